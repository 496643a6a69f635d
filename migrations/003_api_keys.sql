-- API keys. The secret (umb_… or pk_…, 256 random bits) is shown once at creation; only its sha-256 is
-- stored, so a copy of this table cannot be used to call the API. `prefix` is the start of the secret,
-- enough to recognise a key in a list.
create table api_keys (
  id          bigint generated always as identity primary key,
  kind        text not null check (kind in ('secret', 'publishable')),
  name        text not null check (length(name) between 1 and 100),
  prefix      text not null,
  secret_hash bytea not null check (length(secret_hash) = 32),
  scopes      text[] not null,
  -- Publishable keys live in web pages: they may only mint share kits, from and for these origins.
  origins     text[] not null default '{}',
  created_at  timestamptz not null default now(),
  expires_at  timestamptz,
  revoked_at  timestamptz,
  check (kind = 'secret' or (scopes = '{shares:write}' and cardinality(origins) > 0))
);

create unique index api_keys_secret_hash_key on api_keys (secret_hash);
create index api_keys_prefix_idx on api_keys (prefix);
