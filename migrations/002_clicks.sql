-- Raw clicks, range-partitioned by month so old raw rows can be dropped while rollups stay.
-- The id is minted at capture: a replayed batch hits the primary key and is not counted twice.
create table clicks (
  id          bigint not null,
  link_id     bigint not null,
  clicked_at  timestamptz not null,
  kind        text not null,           -- human | preview | bot
  medium      text,                    -- humans only: direct | in_app | messaging | email | social | search | referral | internal
  app         text,
  visibility  text,                    -- humans only: dark | public
  referrer    text,
  user_agent  text,
  visitor     bigint,                  -- daily-salted hash of IP + user agent; the raw IP is never stored
  language    text,
  country     text,
  browser     text,
  os          text,
  device      text,
  primary key (link_id, id, clicked_at)
) partition by range (clicked_at);

-- Rows outside every monthly partition land here rather than being refused.
create table clicks_default partition of clicks default;

create index clicks_clicked_at_idx on clicks (clicked_at);

-- Creates the monthly partitions covering [from, from + months).
create function ensure_click_partitions(from_ts timestamptz, months int) returns void
language plpgsql as $$
declare
  m date;
begin
  for i in 0 .. months - 1 loop
    m := (date_trunc('month', from_ts at time zone 'UTC') + make_interval(months => i))::date;
    execute format(
      'create table if not exists %I partition of clicks for values from (%L) to (%L)',
      'clicks_' || to_char(m, 'YYYY_MM'), m::timestamp at time zone 'UTC', (m + interval '1 month')::timestamp at time zone 'UTC'
    );
  end loop;
end $$;

select ensure_click_partitions(now() - interval '1 month', 4);

-- Hourly counts per link and label: every dashboard number is read from here, never from clicks.
create table click_rollups_hourly (
  link_id    bigint not null,
  hour       timestamptz not null,
  kind       text not null,
  medium     text not null default '',
  app        text not null default '',
  visibility text not null default '',
  clicks     bigint not null,
  primary key (link_id, hour, kind, medium, app, visibility)
);

-- Daily human clicks per link by browser, OS and device (from ua-parser-js): the second dimension.
create table click_dimensions_daily (
  link_id   bigint not null,
  day       date not null,
  dimension text not null,             -- browser | os | device
  value     text not null,
  clicks    bigint not null,
  primary key (link_id, day, dimension, value)
);

-- One row per human visitor per link per UTC day; uniques = rows (salts rotate daily, so days add up).
create table link_visitors_daily (
  link_id bigint not null,
  day     date not null,
  visitor bigint not null,
  primary key (link_id, day, visitor)
);

-- The daily salt of visitor hashes, shared by every instance; never exported, deleted after two days.
create table visitor_salts (
  day  date primary key,
  salt bytea not null
);

-- A generation per process start; click ids are generation * 2^32 + a counter, unique without UUIDs.
create sequence click_id_generation;
