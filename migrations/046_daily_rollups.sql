-- Daily counts per link and label, the hourly rollups summed by UTC day: a report over 90 days reads ~90
-- rows a link and label instead of ~2,160, and only its partial first and last days from the hourly table
-- (src/analytics/rollup-range.ts). Kept by every writer of the hourly rows, in the same statement: the
-- click batch, losses and reclassification (src/clicks/rollups/rollup-keys.ts). Exact, and like the hourly
-- rows independent of raw clicks, so retention dropping raw partitions leaves them whole.
create table click_rollups_daily (
  link_id    bigint not null,
  day        date not null,
  kind       text not null,
  medium     text not null default '',
  app        text not null default '',
  visibility text not null default '',
  clicks     bigint not null,
  primary key (link_id, day, kind, medium, app, visibility)
) with (fillfactor = 70);

insert into click_rollups_daily (link_id, day, kind, medium, app, visibility, clicks)
select link_id, (hour at time zone 'UTC')::date, kind, medium, app, visibility, sum(clicks)
from click_rollups_hourly
group by 1, 2, 3, 4, 5, 6;

-- The share funnel's rollups by UTC day likewise, kept by the funnel batch in the same statements as the
-- hourly ones (src/funnel/write-funnel-batch.ts).
create table share_rollups_daily (
  content_id bigint not null,
  day        date not null,
  channel    text not null,
  shares     bigint not null,
  primary key (content_id, day, channel)
) with (fillfactor = 70);
insert into share_rollups_daily (content_id, day, channel, shares)
select content_id, (hour at time zone 'UTC')::date, channel, sum(shares) from share_rollups_hourly group by 1, 2, 3;

create table arrival_rollups_daily (
  content_id bigint not null,
  day        date not null,
  medium     text not null default '',
  app        text not null default '',
  visibility text not null,
  source     text not null,
  generation smallint not null default 0,
  arrivals   bigint not null,
  primary key (content_id, day, medium, app, visibility, source, generation)
) with (fillfactor = 70);
insert into arrival_rollups_daily (content_id, day, medium, app, visibility, source, generation, arrivals)
select content_id, (hour at time zone 'UTC')::date, medium, app, visibility, source, generation, sum(arrivals)
from arrival_rollups_hourly group by 1, 2, 3, 4, 5, 6, 7;

-- Clicks written per UTC day, every kind, kept by the click batch in the statement that writes their rollups:
-- what a past day's cached report figures are stamped with (src/analytics/day-cache.ts). A day's figures
-- change only when clicks are added to it (or reclassified, which drops the cached days it moves).
create table click_days (
  day    date primary key,
  clicks bigint not null
);
insert into click_days (day, clicks)
select (hour at time zone 'UTC')::date, sum(clicks) from click_rollups_hourly where kind not in ('head', 'prefetch') group by 1;

-- The other half of that stamp: a number bumped by every statement that changes what cached figures group
-- links by (topics, campaign, domain, content) or removes links. A new link does not bump it: it has no
-- clicks on past days. One row, so stamping a report reads one row instead of every link.
create table links_grouping_version (
  only_row boolean primary key default true check (only_row),
  version  bigint not null default 0
);
insert into links_grouping_version default values;

create function bump_links_grouping_version() returns trigger language plpgsql as $$
begin
  update links_grouping_version set version = version + 1;
  return null;
end $$;

create trigger links_grouping_changed
after update of topics, campaign, domain, content_id or delete on links
for each statement execute function bump_links_grouping_version();

create trigger links_truncated
after truncate on links
for each statement execute function bump_links_grouping_version();

-- Report figures of whole past days that are costly to sum again (unique visitors of a group of links, clicks
-- per country or city over many links), per scope (the report and its filter), kept while their stamp holds:
-- the day's clicks (click_days) and the links' grouping version. One row a day, its figures as {key: n},
-- replaced whole. A cache: deleting its rows loses nothing.
create table report_days (
  scope   text not null,
  day     date not null,
  stamp   text not null,
  figures jsonb not null,
  primary key (scope, day)
);

-- Today's figures are summed live from the daily tables: their rows arrive in day order, so BRIN narrows a
-- day to its pages at next to no cost to the writer.
create index click_dimensions_daily_day_brin on click_dimensions_daily using brin (day);

-- Reports over a few days of a long history read those days only.
create index click_rollups_daily_day_idx on click_rollups_daily (day);
