-- A publishable key (pk_…) sits in page source, so anyone can call with it. The title and topics of a kit
-- it made are the caller's claim: share intents leave them out until a secret key confirms the kit
-- (src/shares/create-share-kit.ts). Kits made since the first publishable key existed cannot be told
-- apart from the widget's, so they start unconfirmed too; without any publishable key, none could be.
alter table contents add column text_confirmed boolean not null default true;
update contents set text_confirmed = false
where created_at >= (select min(created_at) from api_keys where kind = 'publishable');

-- Kits each publishable key created or completed per UTC day: WIDGET_MINTS_PER_DAY caps it across instances.
create table publishable_key_mints (
  key_id bigint not null references api_keys (id),
  day    date not null,
  kits   integer not null check (kits > 0),
  primary key (key_id, day)
);

-- Visitor hashes are keyed by an HMAC of the server secret (src/clicks/visitor-hash.ts), which never
-- enters the database: no salt is stored, so a dump cannot recompute a hash. The stored salts are dropped,
-- not carried over, so a visitor who clicks both before and after this migration on its day counts twice that day.
drop table visitor_salts;
