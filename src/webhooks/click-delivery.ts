import type { Queryable } from '../infra/pool.ts'

/** A claimed `click` event as the delivery reads it: its run, or the clicks it keeps (retention, pre-042 events). */
export type ClickRun = {
  event_id: string
  kept_clicks: string | null
  click_first_id: string | null
  click_last_id: string | null
  click_first_at: string | null
  click_last_at: string | null
}

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

// The person clicks of several runs in one statement: the time ranges ($6…, merged where they overlap) OR'ed
// so Postgres reads each block range of the clicks' BRIN index once for all of them, then each click goes to
// the run whose id and time ranges hold it.
const listsSql = (ranges: number) => `
with runs (event_id, first_id, last_id, first_at, last_at) as materialized (
  select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::timestamptz[])
)
select r.event_id::text as id, ${LIST_SQL} as clicks
from clicks c
join runs r on c.id between r.first_id and r.last_id and c.clicked_at between r.first_at and r.last_at
join click_verdicts v on v.id = c.verdict_id
left join links l on l.id = c.link_id
cross join ${CLICK_JSON_SQL}
where v.kind = 'human' and (${Array.from(
  { length: ranges },
  (_, i) => `c.clicked_at between $${6 + 2 * i}::timestamptz and $${7 + 2 * i}::timestamptz`,
).join(' or ')})
group by r.event_id`

// Block ranges of the clicks' BRIN indexes that no vacuum has summarised yet match every time range, so the
// newest clicks (those being delivered) would all be read for each delivery. Summarising them reads each new
// page once (work vacuum would do later); it waits for no one: skipped while a vacuum holds a partition.
const SUMMARISE_NEW_CLICKS = `
select brin_summarize_new_values(x.indexrelid)
from pg_inherits i
join pg_index x on x.indrelid = i.inhrelid
join pg_class ic on ic.oid = x.indexrelid
join pg_am am on am.oid = ic.relam and am.amname = 'brin'
where i.inhparent = 'clicks'::regclass`

/** Summarises the clicks' new BRIN block ranges unless a lock stands in the way (then the reads just cost more). */
async function summariseNewClicks(db: Queryable) {
  // One simple query: its statements are one implicit transaction, rolled back whole on a lock timeout.
  await db.query(`set local lock_timeout = '50ms'; ${SUMMARISE_NEW_CLICKS}`).catch(() => {})
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

/** The statement reading the person clicks of these runs (none kept), one row per run that has any. */
export function clickListsQuery(runs: readonly ClickRun[]) {
  const ranges = mergedRanges(runs.map((e) => [e.click_first_at as string, e.click_last_at as string]))
  return {
    text: listsSql(ranges.length),
    values: [
      runs.map((e) => e.event_id),
      runs.map((e) => e.click_first_id),
      runs.map((e) => e.click_last_id),
      runs.map((e) => e.click_first_at),
      runs.map((e) => e.click_last_at),
      ...ranges.flat(),
    ],
  }
}

/** The click lists of claimed click events, by event id: kept ones as kept, the others read in one statement. */
export async function clickLists(db: Queryable, events: readonly ClickRun[]): Promise<Map<string, string>> {
  const lists = new Map<string, string>()
  const runs = new Map<string, ClickRun>()
  for (const e of events) {
    if (e.kept_clicks !== null) lists.set(e.event_id, e.kept_clicks)
    else if (e.click_first_at !== null) runs.set(e.event_id, e)
  }
  if (runs.size > 0) {
    await summariseNewClicks(db)
    const q = clickListsQuery([...runs.values()])
    const { rows } = await db.query<{ id: string; clicks: string }>(q.text, q.values)
    for (const row of rows) lists.set(row.id, row.clicks)
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
