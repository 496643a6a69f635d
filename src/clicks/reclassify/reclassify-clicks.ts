import type { Pool } from '../../infra/database.ts'
import type { DescribedClassification } from '../classify/classification.ts'
import { findLabelChanges, rollupDeltas, type LabelChange, type StoredClick } from './label-changes.ts'

const READ_BATCH = `
select id, link_id, clicked_at, kind, medium, app, visibility, browser, os, device, visitor, user_agent, referrer, requested_with
from clicks
where clicked_at >= $1 and (clicked_at, id) > ($2, $3)
order by clicked_at, id
limit $4`

const UPDATE_CLICKS = `
update clicks c set kind = u.kind, medium = u.medium, app = u.app, visibility = u.visibility,
                    browser = u.browser, os = u.os, device = u.device
from unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
  as u(link_id, id, clicked_at, kind, medium, app, visibility, browser, os, device)
where c.link_id = u.link_id and c.id = u.id and c.clicked_at = u.clicked_at`

const APPLY_HOURLY = `
insert into click_rollups_hourly as r (link_id, hour, kind, medium, app, visibility, clicks)
select * from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
on conflict (link_id, hour, kind, medium, app, visibility) do update set clicks = r.clicks + excluded.clicks`

const APPLY_DIMENSIONS = `
insert into click_dimensions_daily as d (link_id, day, dimension, value, clicks)
select * from unnest($1::bigint[], $2::date[], $3::text[], $4::text[], $5::bigint[])
on conflict (link_id, day, dimension, value) do update set clicks = d.clicks + excluded.clicks`

const DROP_EMPTY_ROLLUPS = `
delete from click_rollups_hourly where link_id = any($1::bigint[]) and clicks = 0;
`

/** A visitor is on a link's day when at least one of their clicks that day is human. */
const RESYNC_VISITORS = `
with touched as (
  select distinct link_id, (clicked_at at time zone 'UTC')::date as day, visitor
  from unnest($1::bigint[], $2::timestamptz[], $3::bigint[]) as t(link_id, clicked_at, visitor)
), human as (
  select t.* from touched t
  where exists (select 1 from clicks c where c.link_id = t.link_id and c.visitor = t.visitor and c.kind = 'human'
                  and c.clicked_at >= t.day::timestamp at time zone 'UTC' and c.clicked_at < (t.day + 1)::timestamp at time zone 'UTC')
), added as (
  insert into link_visitors_daily (link_id, day, visitor) select * from human on conflict do nothing
)
delete from link_visitors_daily v using touched t
where v.link_id = t.link_id and v.day = t.day and v.visitor = t.visitor
  and not exists (select 1 from human h where h.link_id = t.link_id and h.day = t.day and h.visitor = t.visitor)`

export type ReclassifyProgress = { scanned: number; changed: number }

/**
 * Recomputes stored labels with the current rules and corrects the rollups by deltas, one batch per
 * transaction, so it can run while the service is writing new clicks.
 */
export async function reclassifyClicks(
  pool: Pick<Pool, 'connect'>,
  classify: (c: StoredClick) => DescribedClassification,
  opts: { since: Date; batchSize?: number; onBatch?: (p: ReclassifyProgress) => void },
): Promise<ReclassifyProgress> {
  const batchSize = opts.batchSize ?? 5_000
  const progress = { scanned: 0, changed: 0 }
  let after: { at: Date; id: string } = { at: new Date(0), id: '0' }
  for (;;) {
    const client = await pool.connect()
    try {
      await client.query('begin')
      const { rows } = await client.query<StoredClick>(READ_BATCH, [opts.since, after.at, after.id, batchSize])
      const changes = findLabelChanges(rows, classify)
      if (changes.length) await applyChanges(client, changes)
      await client.query('commit')
      progress.scanned += rows.length
      progress.changed += changes.length
      opts.onBatch?.(progress)
      if (rows.length < batchSize) return progress
      const last = rows[rows.length - 1]
      after = { at: last.clicked_at, id: last.id }
    } catch (err) {
      await client.query('rollback').catch(() => {})
      throw err
    } finally {
      client.release()
    }
  }
}

async function applyChanges(client: { query: Pool['query'] }, changes: LabelChange[]) {
  const col = <T>(f: (c: LabelChange) => T) => changes.map(f)
  await client.query(UPDATE_CLICKS, [
    col((c) => c.click.link_id), col((c) => c.click.id), col((c) => c.click.clicked_at),
    col((c) => c.next.kind), col((c) => c.next.medium), col((c) => c.next.app), col((c) => c.next.visibility),
    col((c) => c.next.browser), col((c) => c.next.os), col((c) => c.next.device),
  ])
  const { hourly, dimensions } = rollupDeltas(changes)
  if (hourly.length)
    await client.query(APPLY_HOURLY, [
      hourly.map((r) => r.link_id), hourly.map((r) => r.hour), hourly.map((r) => r.kind), hourly.map((r) => r.medium),
      hourly.map((r) => r.app), hourly.map((r) => r.visibility), hourly.map((r) => r.delta),
    ])
  if (dimensions.length)
    await client.query(APPLY_DIMENSIONS, [
      dimensions.map((r) => r.link_id), dimensions.map((r) => r.day), dimensions.map((r) => r.dimension),
      dimensions.map((r) => r.value), dimensions.map((r) => r.delta),
    ])
  await client.query(DROP_EMPTY_ROLLUPS, [[...new Set(hourly.map((r) => r.link_id))]])
  const withVisitor = changes.filter((c) => c.click.visitor !== null)
  if (withVisitor.length)
    await client.query(RESYNC_VISITORS, [
      withVisitor.map((c) => c.click.link_id), withVisitor.map((c) => c.click.clicked_at), withVisitor.map((c) => c.click.visitor),
    ])
}
