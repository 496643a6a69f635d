import type { Queryable } from '../infra/pool.ts'

/**
 * A report figure summed over days, per key, whose days are costly to count again: `sql` returns (day as text, key, n)
 * rows for the days listed in $3 (between $1 and $2, so indexes on day narrow the scan), with its own
 * parameters as $4, $5, …; `scope` names the report and its filter, the cache's key for these figures.
 */
export type DayFigures = { scope: string; sql: string; params: unknown[] }

export type DayRange = { fromDay: string; toDay: string; today: string }

// Each day's stamp: the clicks written that day (click_days, added to by every click batch in the statement
// that writes the rollups these figures are read from) and the links' count and last changes (a link's topics
// or campaign changed). Days without clicks have no figures and no stamp.
const STAMPS = `
with links_stamp as (
  select count(*)::text || ':' || coalesce(sum(extract(epoch from updated_at)), 0)::text as s from links
)
select d.day::text as day, d.clicks::text || ':' || s.s as stamp, c.stamp as cached
from click_days d cross join links_stamp s
left join report_days c on c.scope = $3 and c.day = d.day
where d.day >= $1::date and d.day <= $2::date
order by 1`

const CACHED = `
select key, sum(n)::float8 as n from report_day_counts where scope = $1 and day = any($2::date[]) group by 1`

// Replaces the cached days counted: their stamps, their keys' figures, and no row for a key now without any.
const STORE = `
with days as (
  insert into report_days as c (scope, day, stamp)
  select $1, d, s from unnest($2::date[], $3::text[]) as x(d, s)
  on conflict (scope, day) do update set stamp = excluded.stamp
), counted as (
  select * from unnest($4::date[], $5::text[], $6::float8[]) as y(day, key, n)
), stale as (
  delete from report_day_counts u where u.scope = $1 and u.day = any($2::date[])
    and not exists (select 1 from counted c where c.day = u.day and c.key = u.key)
)
insert into report_day_counts as u (scope, day, key, n)
select $1, day, key, n from counted
on conflict (scope, day, key) do update set n = excluded.n`

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
  if (closed.length > 0) {
    const closedDays = new Set(closed.map((d) => d.day))
    const kept = rows.filter((r) => closedDays.has(r.day))
    await cache
      .query(STORE, [
        figures.scope,
        closed.map((d) => d.day),
        closed.map((d) => d.stamp),
        kept.map((r) => r.day),
        kept.map((r) => r.key),
        kept.map((r) => r.n),
      ])
      .catch(() => {})
  }
  return totals
}
