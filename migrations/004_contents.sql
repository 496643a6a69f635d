-- A content: a page people share. Its share kit is its links, one per channel (links.content_id).
-- The canonical URL is unique, so a CMS calling "create the kit" on every publish gets the same kit.
create table contents (
  id         bigint generated always as identity primary key,
  url        text not null check (length(url) <= 2048),
  title      text,
  topics     text[] not null default '{}',
  campaign   text,
  created_at timestamptz not null default now()
);

create unique index contents_url_key on contents (url);
create index contents_topics_idx on contents using gin (topics);
create index contents_campaign_idx on contents (campaign) where campaign is not null;

alter table links add column content_id bigint references contents (id);
create index links_content_id_idx on links (content_id) where content_id is not null;
-- One live link per channel per content: the last line of defence against a duplicated kit. A disabled
-- link is retired: the next kit call for its channel mints a new one.
create unique index links_content_channel_key on links (content_id, channel) where content_id is not null and disabled_at is null;

-- Idempotency-Key of POST /shares, per API key: a retried request gets the first answer's status,
-- a reused key with a different body is refused. Rows older than a day are swept and may be reused.
create table share_idempotency_keys (
  key_id          text not null,
  idempotency_key text not null,
  request_hash    bytea not null,
  content_id      bigint references contents (id),
  status          smallint,
  created_at      timestamptz not null default now(),
  primary key (key_id, idempotency_key)
);

create index share_idempotency_keys_created_at_idx on share_idempotency_keys (created_at);

-- Topic and channel reports read every link's rollups for a time range: without this they scan the table.
create index click_rollups_hourly_hour_idx on click_rollups_hourly (hour);
