-- Raw clicks as narrow rows. What a click's request said (user agent, referrer, X-Requested-With) and what
-- the classifier made of it repeat over thousands of clicks: they are stored once, as a verdict, and a click
-- row holds its id. Measured on this project's 2-core machine, 200,000 rows COPYed: the 16-column clicks with
-- their primary key and clicked_at btree cost Postgres ~4.2 µs of CPU a row; these 7 columns with a BRIN
-- index, in binary COPY, ~0.95 µs. Readers that want the labels use the view labeled_clicks.

-- A verdict never changes and is named by a hash of everything in it (src/clicks/verdicts/click-verdict.ts), so every
-- instance names the same verdict alike without asking Postgres, and relabelling (umbra reclassify) adds a
-- verdict instead of changing one that stored clicks and their rollups were counted by.
create table click_verdicts (
  id             bigint primary key,
  user_agent     text,
  referrer       text,
  requested_with text,
  kind           text not null,          -- human | preview | bot
  medium         text,                   -- humans only: direct | in_app | messaging | email | social | search | referral | internal
  app            text,
  visibility     text,                   -- humans only: dark | public
  browser        text,
  os             text,
  device         text
);

-- The id of a verdict: the first 8 bytes of SHA-256 over its fields joined by newlines ('' for none), as
-- createClickVerdict computes it.
create function click_verdict_id(user_agent text, referrer text, requested_with text, kind text, medium text, app text,
                                 visibility text, browser text, os text, device text) returns bigint
language sql immutable parallel safe as $$
  select ('x' || encode(substring(sha256(convert_to(concat_ws(E'\n', coalesce(user_agent, ''), coalesce(referrer, ''),
    coalesce(requested_with, ''), kind, coalesce(medium, ''), coalesce(app, ''), coalesce(visibility, ''), coalesce(browser, ''),
    coalesce(os, ''), coalesce(device, '')), 'UTF8')) from 1 for 8), 'hex'))::bit(64)::bigint
$$;

insert into click_verdicts
select distinct on (id) * from (
  select click_verdict_id(user_agent, referrer, requested_with, kind, medium, app, visibility, browser, os, device) as id,
         user_agent, referrer, requested_with, kind, medium, app, visibility, browser, os, device
  from clicks
) v;

create temp table clicks_before_013 on commit drop as
select id, link_id, clicked_at, click_verdict_id(user_agent, referrer, requested_with, kind, medium, app, visibility, browser, os, device) as verdict_id,
       visitor, language, country
from clicks;
drop table clicks;

-- Exactly once without a per-row index: a fresh batch cannot hold a click Postgres has (its ids are new),
-- and a batch that may have been written before is inserted skipping the ids the clicks of its time range
-- already have (src/clicks/click-kind/write-click-batch.ts). Range-partitioned by month so old raw rows can be dropped
-- while rollups stay.
create table clicks (
  id          bigint not null,           -- minted at capture: generation * 2^32 + counter
  link_id     bigint not null,
  clicked_at  timestamptz not null,
  verdict_id  bigint not null,           -- click_verdicts.id
  visitor     bigint,                    -- daily-keyed hash of IP + user agent; the raw IP is never stored
  language    text,
  country     text
) partition by range (clicked_at);

-- Rows outside every monthly partition land here rather than being refused.
create table clicks_default partition of clicks default;

-- Clicks arrive in time order: a block range index finds a time range for a fraction of a btree's upkeep.
create index clicks_clicked_at_brin on clicks using brin (clicked_at);

-- Creates the monthly partitions covering [from, from + months); a month whose clicks already went to the
-- default partition cannot get one (Postgres refuses) and is skipped.
create or replace function ensure_click_partitions(from_ts timestamptz, months int) returns void
language plpgsql as $$
declare
  m date;
begin
  for i in 0 .. months - 1 loop
    m := (date_trunc('month', from_ts at time zone 'UTC') + make_interval(months => i))::date;
    begin
      execute format(
        'create table if not exists %I partition of clicks for values from (%L) to (%L)',
        'clicks_' || to_char(m, 'YYYY_MM'), m::timestamp at time zone 'UTC', (m + interval '1 month')::timestamp at time zone 'UTC'
      );
    exception when check_violation then
      raise notice 'clicks of % are in clicks_default: no partition made for that month', to_char(m, 'YYYY-MM');
    end;
  end loop;
end $$;

-- The months of the clicks kept, and from last month to two months ahead (the server adds months as they come).
select ensure_click_partitions(from_month, (extract(year from age(date_trunc('month', now() + interval '3 months'), from_month)) * 12
                                            + extract(month from age(date_trunc('month', now() + interval '3 months'), from_month)))::int)
from (select date_trunc('month', least(coalesce(min(clicked_at), now()), now() - interval '1 month')) as from_month from clicks_before_013) f;

insert into clicks select * from clicks_before_013;

-- A click with the labels of its verdict: the shape of the clicks table before this migration.
create view labeled_clicks as
select c.id, c.link_id, c.clicked_at, v.kind, v.medium, v.app, v.visibility, v.referrer, v.user_agent, c.visitor, c.language, c.country,
       v.browser, v.os, v.device, v.requested_with, c.verdict_id
from clicks c
join click_verdicts v on v.id = c.verdict_id;
