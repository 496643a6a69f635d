-- Conversion tracking: a link (or every link of a kit) whose redirect adds a click reference to its target,
-- and the conversions a site reports back with it. A conversion keeps its click's link and verdict, so it
-- carries the click's labels (link, content, topics, campaign, channel; medium, app, visibility).
alter table links add column conversion_tracking boolean not null default false;
alter table contents add column conversion_tracking boolean not null default false;

-- A kit's new links track conversions when the kit does.
create function links_inherit_conversion_tracking() returns trigger
language plpgsql as $$
begin
  if new.content_id is not null and not new.conversion_tracking then
    select c.conversion_tracking into new.conversion_tracking from contents c where c.id = new.content_id;
  end if;
  return new;
end $$;

create trigger links_inherit_conversion_tracking
before insert on links
for each row execute function links_inherit_conversion_tracking();

create table conversions (
  id          bigint generated always as identity primary key,
  click_id    bigint not null,
  clicked_at  timestamptz not null,
  link_id     bigint not null references links (id),
  verdict_id  bigint not null,            -- click_verdicts.id: the click's medium, app and visibility
  event       text not null,              -- lead | sale | a site's own name
  value       numeric(18, 4),
  currency    text,                       -- ISO 4217, with value
  external_id text,                       -- the site's id for it: a retry with the same one is counted once
  created_at  timestamptz not null default now(),
  check ((value is null) = (currency is null))
);

create unique index conversions_external_id_key on conversions (external_id) where external_id is not null;
create index conversions_link_idx on conversions (link_id, created_at);
create index conversions_created_at_idx on conversions (created_at);

-- The `conversion` webhook event, in the conversion's transaction.
create function webhook_conversion_created() returns trigger
language plpgsql as $$
begin
  perform webhook_emit('conversion', jsonb_build_object(
    'id', new.id::text, 'clickId', new.click_id::text, 'event', new.event, 'value', new.value,
    'currency', new.currency, 'externalId', new.external_id, 'at', new.created_at, 'clickedAt', new.clicked_at,
    'code', l.code, 'contentId', l.content_id::text, 'topics', to_jsonb(l.topics), 'campaign', l.campaign,
    'channel', l.channel, 'medium', v.medium, 'app', v.app, 'visibility', v.visibility))
  from links l, click_verdicts v where l.id = new.link_id and v.id = new.verdict_id;
  return null;
end $$;

create trigger conversions_webhook_created
after insert on conversions
for each row execute function webhook_conversion_created();

create or replace function webhook_link_json(l links) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'code', l.code, 'domain', l.domain, 'url', l.url, 'title', l.title, 'channel', l.channel,
    'topics', to_jsonb(l.topics), 'campaign', l.campaign, 'contentId', l.content_id::text, 'expiresAt', l.expires_at,
    'disabled', l.disabled_at is not null, 'conversionTracking', l.conversion_tracking,
    'createdAt', l.created_at, 'updatedAt', l.updated_at)
$$;
