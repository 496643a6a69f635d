import type { Queryable } from '../infra/pool.ts'
import { type DayRange, sumOverDays } from './day-cache.ts'

/**
 * The groups of links a report counts uniques for: `sql` returns (key, link_id) rows, one per link of each
 * group (a link may be in several), with its parameters as $4, $5, …; `scope` names the report and its filter.
 */
export type LinkGroups = { scope: string; sql: string; params: unknown[] }

// A visitor who opened two links of one group on one day is one unique of that group that day (visitor hashes
// change daily, so days add up). Distinct in a subquery, so Postgres may hash it rather than sort every row;
// the days' bounds let the BRIN index on day (migration 036) narrow the scan.
const countDays = (groupsSql: string) => `
select day::text as day, key, count(*)::float8 as n
from (
  select distinct g.key, v.day, v.visitor
  from link_visitors_daily v
  join (${groupsSql}) g on g.link_id = v.link_id
  where v.day >= $1::date and v.day <= $2::date and v.day = any($3::date[])
) x
group by 1, 2`

/**
 * Unique visitors per group over the UTC days of `days`, exact: counted from link_visitors_daily, past days
 * once per scope and then kept (day-cache.ts; at 10M clicks over 90 days, ~8M visitor-days to count).
 */
export async function countGroupUniques(
  db: Queryable,
  cache: Queryable,
  groups: LinkGroups,
  days: DayRange,
): Promise<{ key: string; uniques: number }[]> {
  const figures = { scope: `uniques:${groups.scope}`, sql: countDays(groups.sql), params: groups.params }
  const totals = await sumOverDays(db, cache, figures, days)
  return [...totals].map(([key, uniques]) => ({ key, uniques }))
}
