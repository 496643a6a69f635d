-- A link: a short code that redirects to a target URL. Codes are never reused: deleting disables.
create table links (
  id          bigint generated always as identity primary key,
  code        text not null,
  url         text not null check (length(url) <= 2048),
  title       text,
  channel     text,
  topics      text[] not null default '{}',
  campaign    text,
  expires_at  timestamptz,
  disabled_at timestamptz,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

create unique index links_code_key on links (code);
create index links_topics_idx on links using gin (topics);
create index links_campaign_idx on links (campaign) where campaign is not null;
