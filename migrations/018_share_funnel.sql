-- The share funnel: what the page tag (widget.js) reports from the publisher's pages.
-- Raw events are narrow rows, range-partitioned by month like clicks: the months dropped for clicks'
-- raw data are dropped here too, and the address-bar tokens with them. Rollups stay forever.
-- content_id leads every key, as link_id does for clicks: the tables can be distributed by it later.
create table funnel_events (
  id           bigint not null,          -- minted at capture (click id scheme): a replayed batch is recognised
  content_id   bigint not null,
  at           timestamptz not null,
  type         text not null check (type in ('share', 'arrival')),
  channel      text,                     -- shares: the channel pressed (or native, copy_text)
  medium       text,                     -- arrivals: the click classifier's labels
  app          text,
  visibility   text,
  source       text check (source in ('via_short_link', 'address_bar', 'unattributed', 'public')),
  generation   smallint check (generation between 0 and 100),
  link_id      bigint,                   -- arrivals via short link: the link that brought them
  token        text,                     -- arrivals: this page view's address-bar token (random, per page view)
  parent_token text,                     -- address-bar arrivals: the token the URL carried
  primary key (content_id, id, at)
) partition by range (at);

create table funnel_events_default partition of funnel_events default;
create index funnel_events_at_idx on funnel_events (at);

-- Share actions per content × channel × hour.
create table share_rollups_hourly (
  content_id bigint not null,
  hour       timestamptz not null,
  channel    text not null,
  shares     bigint not null,
  primary key (content_id, hour, channel)
);
create index share_rollups_hourly_hour_idx on share_rollups_hourly (hour);

-- Human page arrivals per content × hour × medium × app × visibility × source × generation.
create table arrival_rollups_hourly (
  content_id bigint not null,
  hour       timestamptz not null,
  medium     text not null default '',
  app        text not null default '',
  visibility text not null,
  source     text not null,
  generation smallint not null default 0,
  arrivals   bigint not null,
  primary key (content_id, hour, medium, app, visibility, source, generation)
);
create index arrival_rollups_hourly_hour_idx on arrival_rollups_hourly (hour);

-- The clicks' monthly partitions and the funnel's are made together (the clicks plugin calls this at
-- start and daily), so both kinds of raw data share their months.
create or replace function ensure_click_partitions(from_ts timestamptz, months int) returns void
language plpgsql as $$
declare
  m date;
begin
  for i in 0 .. months - 1 loop
    m := (date_trunc('month', from_ts at time zone 'UTC') + make_interval(months => i))::date;
    -- A month whose rows already went to the default partition cannot get one (Postgres refuses): skipped.
    begin
      execute format(
        'create table if not exists %I partition of clicks for values from (%L) to (%L)',
        'clicks_' || to_char(m, 'YYYY_MM'), m::timestamp at time zone 'UTC', (m + interval '1 month')::timestamp at time zone 'UTC'
      );
    exception when check_violation then
      raise notice 'clicks of % are in clicks_default: no partition made for that month', to_char(m, 'YYYY-MM');
    end;
    begin
      execute format(
        'create table if not exists %I partition of funnel_events for values from (%L) to (%L)',
        'funnel_events_' || to_char(m, 'YYYY_MM'), m::timestamp at time zone 'UTC', (m + interval '1 month')::timestamp at time zone 'UTC'
      );
    exception when check_violation then
      raise notice 'funnel events of % are in funnel_events_default: no partition made for that month', to_char(m, 'YYYY-MM');
    end;
  end loop;
end $$;

select ensure_click_partitions(now() - interval '1 month', 4);
