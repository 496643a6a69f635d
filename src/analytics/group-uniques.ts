import type { Queryable } from '../infra/pool.ts'

/**
 * The groups of links a report counts uniques for: `sql` returns (key, link_id) rows, one per link of each
 * group (a link may be in several), with its parameters as $4, $5, …; `scope` names the report and its
 * filter, the cache's key for these groups.
 */
export type LinkGroups = { scope: string; sql: string; params: unknown[] }

export type GroupUniques = { key: string; uniques: number }[]

// Each day's stamp: its visitor rows (link_uniques_daily, kept by triggers on every insert and delete of
// link_visitors_daily) and the links' count and last changes (a link's topics or campaign changed). Days
// without visitors have no uniques and no stamp.
const STAMPS = `
with links_stamp as (
  select count(*)::text || ':' || coalesce(sum(extract(epoch from updated_at)), 0)::text as s from links
)
select d.day::text as day, d.visitors::text || ':' || s.s as stamp, c.stamp as cached
from (select day, sum(visitors) as visitors from link_uniques_daily
      where day >= $1::date and day <= $2::date group by 1 having sum(visitors) > 0) d
cross join links_stamp s
left join uniques_cache_days c on c.scope = $3 and c.day = d.day
order by 1`

const CACHED = `
select key, sum(visitors)::float8 as uniques from uniques_cache where scope = $1 and day = any($2::date[]) group by 1`

// A visitor who opened two links of one group on one day is one unique of that group that day. The range's
// bounds let the BRIN index on day narrow the scan; distinct in a subquery so Postgres may hash it.
const countDays = (groupsSql: string) => `
select day::text as day, key, count(*)::float8 as uniques
from (
  select distinct g.key, v.day, v.visitor
  from link_visitors_daily v
  join (${groupsSql}) g on g.link_id = v.link_id
  where v.day >= $1::date and v.day <= $2::date and v.day = any($3::date[])
) x
group by 1, 2`

// Replaces the cached days counted: their stamps, their groups' uniques, and no row for a group now without any.
const STORE = `
with days as (
  insert into uniques_cache_days as c (scope, day, stamp)
  select $1, d, s from unnest($2::date[], $3::text[]) as x(d, s)
  on conflict (scope, day) do update set stamp = excluded.stamp
), counted as (
  select * from unnest($4::date[], $5::text[], $6::bigint[]) as y(day, key, visitors)
), stale as (
  delete from uniques_cache u where u.scope = $1 and u.day = any($2::date[])
    and not exists (select 1 from counted n where n.day = u.day and n.key = u.key)
)
insert into uniques_cache as u (scope, day, key, visitors)
select $1, day, key, visitors from counted
on conflict (scope, day, key) do update set visitors = excluded.visitors`

/**
 * Uniques per group over the UTC days [fromDay, toDay], summed over days (visitor hashes change daily, so a
 * visitor on two days counts twice, by design), exact. Past days are counted once and kept in uniques_cache
 * under `groups.scope` (through `cache`, the primary: `db` may be a replica) while their stamp holds; today
 * (`today`, 'YYYY-MM-DD') and later are always counted. A cache that cannot be written is only slower.
 */
export async function countGroupUniques(
  db: Queryable,
  cache: Queryable,
  groups: LinkGroups,
  days: { fromDay: string; toDay: string; today: string },
): Promise<GroupUniques> {
  const stamps = (await db.query(STAMPS, [days.fromDay, days.toDay, groups.scope])).rows as {
    day: string
    stamp: string
    cached: string | null
  }[]
  const fresh = stamps.filter((d) => d.cached === d.stamp && d.day < days.today).map((d) => d.day)
  const toCount = stamps.filter((d) => !(d.cached === d.stamp && d.day < days.today))
  const totals = new Map<string, number>()
  const add = (key: string, n: number) => totals.set(key, (totals.get(key) ?? 0) + n)
  if (fresh.length > 0)
    for (const r of (await db.query(CACHED, [groups.scope, fresh])).rows) add(r.key, r.uniques)
  if (toCount.length > 0) {
    const dayList = toCount.map((d) => d.day)
    const { rows } = await db.query(countDays(groups.sql), [dayList[0], dayList.at(-1), dayList, ...groups.params])
    for (const r of rows) add(r.key, r.uniques)
    const closed = toCount.filter((d) => d.day < days.today)
    if (closed.length > 0) {
      const closedDays = new Set(closed.map((d) => d.day))
      const kept = rows.filter((r) => closedDays.has(r.day))
      await cache
        .query(STORE, [
          groups.scope,
          closed.map((d) => d.day),
          closed.map((d) => d.stamp),
          kept.map((r) => r.day),
          kept.map((r) => r.key),
          kept.map((r) => r.uniques),
        ])
        .catch(() => {})
    }
  }
  return [...totals].map(([key, uniques]) => ({ key, uniques }))
}
