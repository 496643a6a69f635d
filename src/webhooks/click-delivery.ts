import type { Pool, Queryable } from '../infra/pool.ts'
import { inTransaction } from '../infra/transaction.ts'
import { type ClickRun, clickListsOf } from './click-lists.ts'

const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
/** The claim's columns for ClickRun, from webhook_events `e` (times as ISO text to the microsecond: exact). */
export const CLICK_RUN_COLUMNS = `e.clicks::text as kept_clicks, e.click_first_id::text as click_first_id,
  e.click_last_id::text as click_last_id, ${iso('e.click_first_at')} as click_first_at, ${iso('e.click_last_at')} as click_last_at`

/**
 * A click as receivers get it, keys in this order, from clicks `c`, links `l`, verdicts `v`; row_to_json
 * writes it compactly. A list of them: LIST_SQL over `j`, in id order.
 */
export const CLICK_JSON_SQL = `lateral (
  select c.id::text as id, l.code, l.content_id::text as "contentId", coalesce(l.topics, '{}') as topics,
    l.campaign, l.channel, v.medium, v.app, v.visibility, c.country,
    to_char(c.clicked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
) j`
export const LIST_SQL = `'[' || coalesce(string_agg(row_to_json(j)::text, ',' order by c.id), '') || ']'`

// The person clicks of several runs in one statement: the time ranges ($2…, merged where they overlap) OR'ed
// so Postgres reads each block range of the clicks' BRIN index once for all of them, and the runs' id ranges
// ($1). Writing each click's JSON there (row_to_json, to_char) and pairing each click with its run (a nested
// loop over runs × clicks) cost more than reading the clicks: they come back as one line each in id order
// (id, link, verdict, epoch µs, country as JSON), with each link's and verdict's part of the JSON once, and
// clickListsOf pairs and writes them.
const listsSql = (ranges: number) => `
with picked as materialized (
  select c.id, c.link_id, c.verdict_id, c.clicked_at, c.country
  from clicks c
  join click_verdicts v on v.id = c.verdict_id
  where v.kind = 'human' and c.id <@ $1::int8multirange and (${Array.from(
    { length: ranges },
    (_, i) => `c.clicked_at between $${2 + 2 * i}::timestamptz and $${3 + 2 * i}::timestamptz`,
  ).join(' or ')})
)
select 'c' as kind, '' as key, string_agg(p.id || ' ' || p.link_id || ' ' || p.verdict_id || ' ' ||
  (date_part('epoch', p.clicked_at) * 1000000)::int8 || ' ' || coalesce(to_json(p.country)::text, 'null'),
  e'\\n' order by p.id) as value
from picked p
union all
select 'l', l.id::text, row_to_json(j)::text from links l cross join lateral (
  select l.code, l.content_id::text as "contentId", coalesce(l.topics, '{}') as topics, l.campaign, l.channel
) j where l.id in (select link_id from picked)
union all
select 'v', v.id::text, row_to_json(j)::text from click_verdicts v cross join lateral (
  select v.medium, v.app, v.visibility
) j where v.id in (select verdict_id from picked)`

/**
 * Summarises the clicks' new complete BRIN block ranges (migration 047) unless a lock stands in the way: the
 * reads then just cost more. One simple query: its statements are one implicit transaction.
 */
async function summariseNewClicks(db: Queryable) {
  await db.query(`set local lock_timeout = '50ms'; select summarise_new_click_ranges()`).catch(() => {})
}

/** Overlapping ISO time ranges as one (compared to the millisecond: a merge may only widen): fewer index scans. */
export function mergedRanges(ranges: readonly (readonly [string, string])[]): [string, string][] {
  const sorted = ranges.map(([a, b]) => [Date.parse(a), Date.parse(b), a, b] as const).sort((x, y) => x[0] - y[0])
  const merged: [number, number, string, string][] = []
  for (const [from, to, a, b] of sorted) {
    const last = merged.at(-1)
    if (last && from <= last[1]) {
      if (to > last[1]) [last[1], last[3]] = [to, b]
    } else merged.push([from, to, a, b])
  }
  return merged.map(([, , a, b]) => [a, b])
}

/** The statement reading the person clicks of these runs (none kept), as listsSql returns them. */
export function clickListsQuery(runs: readonly ClickRun[]) {
  const ranges = mergedRanges(runs.map((e) => [e.click_first_at as string, e.click_last_at as string]))
  return {
    text: listsSql(ranges.length),
    values: [`{${runs.map((e) => `[${e.click_first_id},${e.click_last_id}]`).join(',')}}`, ...ranges.flat()],
  }
}

type ListRow = { kind: string; key: string; value: string | null }

/**
 * The rows of the statement reading these runs' clicks, in a transaction with `enable_seqscan` off: the clicks
 * are found through the BRIN index whatever the statistics say (a partition filling faster than it is
 * analyzed, a new month or autovacuum off, looked too small for it, and each delivery read all of it). Only
 * this statement: the deliverer's other statements keep the planner's choice.
 */
const readWithoutSeqScan = (pool: Pool, q: { text: string; values: string[] }) =>
  inTransaction(pool, async (client) => {
    await client.query('set local enable_seqscan = off')
    return (await client.query<ListRow>(q.text, q.values)).rows
  })

/** The click lists of claimed click events, by event id: kept ones as kept, the others read in one statement. */
export async function clickLists(db: Pool, events: readonly ClickRun[]): Promise<Map<string, string>> {
  const lists = new Map<string, string>()
  const runs: ClickRun[] = []
  for (const e of events) {
    if (e.kept_clicks !== null) lists.set(e.event_id, e.kept_clicks)
    else if (e.click_first_at !== null) runs.push(e)
  }
  if (runs.length > 0) {
    await summariseNewClicks(db)
    const rows = await readWithoutSeqScan(db, clickListsQuery(runs))
    // One row of click lines, then a row per link and per verdict: their JSON objects, braces cut.
    let lines = ''
    const parts = { l: new Map<string, string>(), v: new Map<string, string>() }
    for (const row of rows)
      if (row.kind === 'c') lines = row.value ?? ''
      else parts[row.kind as 'l' | 'v'].set(row.key, (row.value as string).slice(1, -1))
    for (const [id, list] of clickListsOf(runs, lines, parts.l, parts.v)) lists.set(id, list)
  }
  for (const e of events) if (!lists.has(e.event_id)) lists.set(e.event_id, '[]')
  return lists
}

/** Whether a click list holds no click (its clicks were relabelled as not persons since). */
export const isEmptyClickList = (clicks: string) => clicks === '[]'

/**
 * A `click` delivery's body, `{type, timestamp, data: {clicks}}`: each click with its id and labels (link
 * code, content, topics, campaign, channel, medium, app, visibility, country, time), as Postgres wrote them.
 */
export const clickEventBody = (occurredAt: Date, clicks: string) =>
  `{"type":"click","timestamp":"${occurredAt.toISOString()}","data":{"clicks":${clicks}}}`
