import type { Queryable } from '../infra/pool.ts'

/** A click event's clicks as stored (parallel arrays; pg hands bigints over as strings). */
export type StoredClicks = {
  click_ids: string[]
  click_link_ids: string[]
  click_verdict_ids: string[]
  click_times_ms: string[]
  click_countries: (string | null)[]
}

type LinkLabels = {
  code: string
  content_id: string | null
  topics: string[]
  campaign: string | null
  channel: string | null
}
type VerdictLabels = { medium: string | null; app: string | null; visibility: string | null }

/** The labels of the links and verdicts an event's clicks name: two lookups per delivery, whatever its size. */
export async function clickLabels(db: Queryable, c: StoredClicks) {
  const [links, verdicts] = await Promise.all([
    db.query('select id, code, content_id, topics, campaign, channel from links where id = any($1::bigint[])', [
      [...new Set(c.click_link_ids)],
    ]),
    db.query('select id, medium, app, visibility from click_verdicts where id = any($1::bigint[])', [
      [...new Set(c.click_verdict_ids)],
    ]),
  ])
  return {
    links: new Map<string, LinkLabels>(links.rows.map((r) => [r.id, r])),
    verdicts: new Map<string, VerdictLabels>(verdicts.rows.map((r) => [r.id, r])),
  }
}

/** A `click` delivery's data: each click with its id and labels. */
export function clickEventData(c: StoredClicks, labels: Awaited<ReturnType<typeof clickLabels>>) {
  const clicks = c.click_ids.map((id, i) => {
    const l = labels.links.get(c.click_link_ids[i])
    const v = labels.verdicts.get(c.click_verdict_ids[i])
    return {
      id,
      code: l?.code ?? null,
      contentId: l?.content_id ?? null,
      topics: l?.topics ?? [],
      campaign: l?.campaign ?? null,
      channel: l?.channel ?? null,
      medium: v?.medium ?? null,
      app: v?.app ?? null,
      visibility: v?.visibility ?? null,
      country: c.click_countries[i],
      at: new Date(Number(c.click_times_ms[i])).toISOString(),
    }
  })
  return { clicks }
}
