import type { Queryable } from '../infra/pool.ts'

/**
 * A click event's clicks as the claim returns them: each array as one comma-joined text (split in one
 * native call; pg's array parser walks every character in JS). Null for other events.
 */
export type StoredClicks = {
  click_ids: string | null
  click_link_ids: string | null
  click_verdict_ids: string | null
  click_times_ms: string | null
  click_countries: string | null
}

/** The claim's columns for StoredClicks, from webhook_events `e`. */
export const STORED_CLICK_COLUMNS = `array_to_string(e.click_ids, ',') as click_ids,
  array_to_string(e.click_link_ids, ',') as click_link_ids, array_to_string(e.click_verdict_ids, ',') as click_verdict_ids,
  array_to_string(e.click_times_ms, ',') as click_times_ms, array_to_string(e.click_countries, ',', '') as click_countries`

const split = (s: string | null) => (s ? s.split(',') : [])
const NO_LINK = '"code":null,"contentId":null,"topics":[],"campaign":null,"channel":null'
const NO_VERDICT = '"medium":null,"app":null,"visibility":null'

/** Each link's and verdict's labels as a JSON fragment, looked up once per delivery whatever its size. */
async function labelFragments(db: Queryable, linkIds: string[], verdictIds: string[]) {
  const [links, verdicts] = await Promise.all([
    db.query('select id, code, content_id, topics, campaign, channel from links where id = any($1::bigint[])', [
      [...new Set(linkIds)],
    ]),
    db.query('select id, medium, app, visibility from click_verdicts where id = any($1::bigint[])', [
      [...new Set(verdictIds)],
    ]),
  ])
  const fragment = (o: object) => JSON.stringify(o).slice(1, -1)
  return {
    links: new Map<string, string>(
      links.rows.map((r) => [
        r.id,
        fragment({ code: r.code, contentId: r.content_id, topics: r.topics, campaign: r.campaign, channel: r.channel }),
      ]),
    ),
    verdicts: new Map<string, string>(
      verdicts.rows.map((r) => [r.id, fragment({ medium: r.medium, app: r.app, visibility: r.visibility })]),
    ),
  }
}

/**
 * A `click` delivery's body, `{type, timestamp, data: {clicks}}`, each click with its id and labels,
 * written as text directly: ids are digits and countries two ASCII letters (checked at capture), and
 * the labels are serialised once per link and verdict.
 */
export async function clickEventBody(db: Queryable, occurredAt: Date, c: StoredClicks): Promise<string> {
  const ids = split(c.click_ids)
  const linkIds = split(c.click_link_ids)
  const verdictIds = split(c.click_verdict_ids)
  const times = split(c.click_times_ms)
  const countries = c.click_countries === null ? [] : c.click_countries.split(',')
  const labels = await labelFragments(db, linkIds, verdictIds)
  const clicks = ids.map((id, i) => {
    const country = countries[i] ? `"${countries[i]}"` : 'null'
    const at = new Date(Number(times[i])).toISOString()
    const link = labels.links.get(linkIds[i]) ?? NO_LINK
    const verdict = labels.verdicts.get(verdictIds[i]) ?? NO_VERDICT
    return `{"id":"${id}",${link},${verdict},"country":${country},"at":"${at}"}`
  })
  return `{"type":"click","timestamp":"${occurredAt.toISOString()}","data":{"clicks":[${clicks.join(',')}]}}`
}
