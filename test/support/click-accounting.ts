import type pg from 'pg'

type Queryable = Pick<pg.ClientBase, 'query'>

/**
 * Rollup rows that disagree with a recount from the clicks table, for the given links: hourly counts
 * of clicks, previews and bots by label, daily human clicks by browser/OS/device and rule, daily visitors and their counts;
 * and the daily rollups against the hourly ones summed by day (HEAD and prefetch rows included).
 * Empty when every rollup equals its recount. (HEAD and prefetch rows are not clicks and are left out.)
 */
export async function rollupMismatches(db: Queryable, linkIds: readonly string[]): Promise<string[]> {
  const { rows } = await db.query(
    `with c as (select * from labeled_clicks where link_id = any($1::bigint[])),
     hourly_recount as (
       select link_id, date_trunc('hour', clicked_at) as hour, kind, coalesce(medium, '') as medium, coalesce(app, '') as app,
              coalesce(visibility, '') as visibility, count(*)::bigint as clicks
       from c group by 1, 2, 3, 4, 5, 6),
     hourly as (
       select link_id, hour, kind, medium, app, visibility, clicks from click_rollups_hourly
       where link_id = any($1::bigint[]) and kind in ('human', 'preview', 'bot') and clicks <> 0),
     dims_recount as (
       select link_id, (clicked_at at time zone 'UTC')::date as day, d.dimension, coalesce(d.value, 'unknown') as value, count(*)::bigint as clicks
       from c, lateral (values ('browser', coalesce(browser, 'unknown')), ('os', coalesce(os, 'unknown')),
                               ('device', coalesce(device, 'unknown')), ('country', coalesce(country, 'unknown')),
                               ('rule', rule::text)) as d(dimension, value)
       where kind = 'human' and d.value is not null group by 1, 2, 3, 4),
     dims as (select link_id, day, dimension, value, clicks from click_dimensions_daily where link_id = any($1::bigint[]) and clicks <> 0),
     visitors_recount as (
       select distinct link_id, (clicked_at at time zone 'UTC')::date as day, visitor from c where kind = 'human' and visitor is not null),
     visitors as (select link_id, day, visitor from link_visitors_daily where link_id = any($1::bigint[])),
     uniques_recount as (select link_id, day, count(*)::bigint as visitors from visitors_recount group by 1, 2),
     uniques as (select link_id, day, visitors from link_uniques_daily where link_id = any($1::bigint[]) and visitors <> 0),
     daily_recount as (
       select link_id, (hour at time zone 'UTC')::date as day, kind, medium, app, visibility, sum(clicks)::bigint as clicks
       from click_rollups_hourly where link_id = any($1::bigint[]) group by 1, 2, 3, 4, 5, 6 having sum(clicks) <> 0),
     daily as (
       select link_id, day, kind, medium, app, visibility, clicks from click_rollups_daily
       where link_id = any($1::bigint[]) and clicks <> 0)
     select 'hourly rollup ' || x::text as mismatch from ((table hourly except all table hourly_recount) union all (table hourly_recount except all table hourly)) x
     union all
     select 'dimension rollup ' || x::text from ((table dims except all table dims_recount) union all (table dims_recount except all table dims)) x
     union all
     select 'visitor ' || x::text from ((table visitors except all table visitors_recount) union all (table visitors_recount except all table visitors)) x
     union all
     select 'daily uniques ' || x::text from ((table uniques except all table uniques_recount) union all (table uniques_recount except all table uniques)) x
     union all
     select 'daily rollup ' || x::text from ((table daily except all table daily_recount) union all (table daily_recount except all table daily)) x
     limit 20`,
    [linkIds],
  )
  return rows.map((r) => r.mismatch as string)
}

/** Click rows per link id, and how many click ids occur more than once (must be none). */
export async function clickCounts(db: Queryable, linkIds: readonly string[]) {
  const { rows } = await db.query(
    `select (select count(*) from clicks where link_id = any($1::bigint[]))::int as clicks,
            (select count(*) from (select id from clicks where link_id = any($1::bigint[]) group by id having count(*) > 1) d)::int as duplicated`,
    [linkIds],
  )
  return rows[0] as { clicks: number; duplicated: number }
}
