import type { Queryable } from '../infra/pool.ts'

// Each click event's clicks as JSON text, in one statement however many events a claim took: kept in the
// event (retention, events from before 042) or read from the clicks table by the event's run.
const CLICK_LISTS = `
select e.id::text as id,
  coalesce(e.clicks, webhook_click_list(e.click_first_id, e.click_last_id, e.click_first_at, e.click_last_at))::text as clicks
from webhook_events e where e.id = any($1::bigint[])`

/** The click lists of these click events, by event id. */
export async function clickLists(db: Queryable, eventIds: readonly string[]): Promise<Map<string, string>> {
  if (eventIds.length === 0) return new Map()
  const { rows } = await db.query<{ id: string; clicks: string }>(CLICK_LISTS, [[...new Set(eventIds)]])
  return new Map(rows.map((r) => [r.id, r.clicks]))
}

/** Whether a click list holds no click (its clicks were relabelled as not persons since). */
export const isEmptyClickList = (clicks: string) => clicks === '[]'

/**
 * A `click` delivery's body, `{type, timestamp, data: {clicks}}`: each click with its id and labels (link
 * code, content, topics, campaign, channel, medium, app, visibility, country, time), as Postgres wrote them.
 */
export const clickEventBody = (occurredAt: Date, clicks: string) =>
  `{"type":"click","timestamp":"${occurredAt.toISOString()}","data":{"clicks":${clicks}}}`
