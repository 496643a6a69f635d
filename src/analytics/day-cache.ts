import type { Queryable } from '../infra/pool.ts'

/**
 * A report figure summed over days, per key, whose days are costly to count again: `sql` returns (day as text, key, n)
 * rows for the days listed in $3 (between $1 and $2, so indexes on day narrow the scan), with its own
 * parameters as $4, $5, …; `scope` names the report and its filter, the cache's key for these figures.
 */
export type DayFigures = { scope: string; sql: string; params: unknown[] }

export type DayRange = { fromDay: string; toDay: string; today: string }

// Each day's stamp: the clicks written that day (click_days, added to by every click batch in the statement
// that writes the rollups these figures are read from) and links_grouping_version (bumped by any statement
// changing links' topics, campaign, domain or content, or deleting links: migrations/046_daily_rollups.sql).
// Read in one snapshot, so the stamp describes the links the count will see or older. Days without clicks
// have no figures and no stamp.
const STAMPS = `
select d.day::text as day, d.clicks::text || ':' || v.version::text as stamp, c.stamp as cached
from click_days d cross join links_grouping_version v
left join report_days c on c.scope = $3 and c.day = d.day
where d.day >= $1::date and d.day <= $2::date
order by 1`

const CACHED = `
select f.key, sum(f.value::float8)::float8 as n
from report_days d cross join lateral jsonb_each_text(d.figures) as f(key, value)
where d.scope = $1 and d.day = any($2::date[])
group by 1`

// Each day counted, with its stamp and its figures, replaced whole.
const STORE = `
insert into report_days as d (scope, day, stamp, figures)
select $1, x.day, x.stamp, x.figures::jsonb from unnest($2::date[], $3::text[], $4::text[]) as x(day, stamp, figures)
on conflict (scope, day) do update set stamp = excluded.stamp, figures = excluded.figures`

type Stamp = { day: string; stamp: string; cached: string | null }

/**
 * The figures summed per key over the UTC days [fromDay, toDay]. Past days are counted once and kept under
 * `figures.scope` (through `cache`, the primary: `db` may be a replica) while their stamp holds; today and
 * later are always counted. Stamps are read before counting, so a count is never older than its stamp. A
 * cache that cannot be written only makes the next report slower.
 */
export async function sumOverDays(
  db: Queryable,
  cache: Queryable,
  figures: DayFigures,
  days: DayRange,
): Promise<Map<string, number>> {
  const stamps = (await db.query(STAMPS, [days.fromDay, days.toDay, figures.scope])).rows as Stamp[]
  const isFresh = (d: Stamp) => d.cached === d.stamp && d.day < days.today
  const totals = new Map<string, number>()
  const add = (key: string, n: number) => totals.set(key, (totals.get(key) ?? 0) + n)
  const fresh = stamps.filter(isFresh).map((d) => d.day)
  if (fresh.length > 0) for (const r of (await db.query(CACHED, [figures.scope, fresh])).rows) add(r.key, r.n)
  const toCount = stamps.filter((d) => !isFresh(d))
  if (toCount.length === 0) return totals
  const dayList = toCount.map((d) => d.day)
  const { rows } = await db.query(figures.sql, [dayList[0], dayList.at(-1), dayList, ...figures.params])
  for (const r of rows) add(r.key, r.n)
  const closed = toCount.filter((d) => d.day < days.today)
  // A filter that matches nothing (a topic no link has) is not kept: the cache grows with the data, never
  // with the filters a caller can make up.
  if (closed.length > 0 && rows.length > 0) {
    const byDay = new Map<string, Record<string, number>>(closed.map((d) => [d.day, {}]))
    for (const r of rows) {
      const counted = byDay.get(r.day)
      if (counted) counted[r.key] = r.n
    }
    await cache
      .query(STORE, [
        figures.scope,
        closed.map((d) => d.day),
        closed.map((d) => d.stamp),
        closed.map((d) => JSON.stringify(byDay.get(d.day))),
      ])
      .catch(() => {})
  }
  return totals
}
