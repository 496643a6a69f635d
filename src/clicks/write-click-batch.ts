import type { Pool } from '../infra/database.ts'
import type { ClickRecord, LossRecord } from './click-record.ts'

const HOUR_MS = 3_600_000

/**
 * Inserts a batch of clicks and maintains the rollups in one statement (so one transaction).
 * Rollups and uniques are computed from the rows actually inserted: a replayed click id conflicts,
 * is skipped, and so is never counted twice.
 */
const INSERT_CLICKS = `
with batch as (
  select * from unnest(
    $1::bigint[], $2::bigint[], $3::float8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[]
  ) as b(id, link_id, at_ms, kind, medium, app, visibility, referrer, user_agent, visitor, language, country, browser, os, device)
), inserted as (
  insert into clicks (id, link_id, clicked_at, kind, medium, app, visibility, referrer, user_agent, visitor, language, country, browser, os, device)
  select id, link_id, to_timestamp(at_ms / 1000.0), kind, medium, app, visibility, referrer, user_agent, visitor, language, country, browser, os, device
  from batch
  on conflict do nothing
  returning link_id, clicked_at, kind, medium, app, visibility, visitor, browser, os, device
), rollups as (
  insert into click_rollups_hourly as r (link_id, hour, kind, medium, app, visibility, clicks)
  select link_id, date_trunc('hour', clicked_at), kind, coalesce(medium, ''), coalesce(app, ''), coalesce(visibility, ''), count(*)
  from inserted
  group by 1, 2, 3, 4, 5, 6
  on conflict (link_id, hour, kind, medium, app, visibility) do update set clicks = r.clicks + excluded.clicks
), dimensions as (
  insert into click_dimensions_daily as d (link_id, day, dimension, value, clicks)
  select link_id, (clicked_at at time zone 'UTC')::date, dim.name, coalesce(dim.value, 'unknown'), count(*)
  from inserted, lateral (values ('browser', browser), ('os', os), ('device', device)) as dim(name, value)
  where kind = 'human'
  group by 1, 2, 3, 4
  on conflict (link_id, day, dimension, value) do update set clicks = d.clicks + excluded.clicks
), visitors as (
  insert into link_visitors_daily (link_id, day, visitor)
  select distinct link_id, (clicked_at at time zone 'UTC')::date, visitor
  from inserted
  where kind = 'human' and visitor is not null
  on conflict do nothing
)
select count(*)::int as inserted from inserted`

/** HEAD requests and prefetches: pre-aggregated per link, hour and reason, added to the rollups. */
const INSERT_LOSSES = `
insert into click_rollups_hourly as r (link_id, hour, kind, clicks)
select * from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::bigint[])
on conflict (link_id, hour, kind, medium, app, visibility) do update set clicks = r.clicks + excluded.clicks`

export async function writeClickBatch(pool: Pick<Pool, 'connect'>, clicks: readonly ClickRecord[], losses: readonly LossRecord[]) {
  const cols: unknown[][] = Array.from({ length: 15 }, () => new Array(clicks.length))
  for (let i = 0; i < clicks.length; i++) {
    const c = clicks[i]
    cols[0][i] = c.id
    cols[1][i] = c.linkId
    cols[2][i] = c.at
    cols[3][i] = c.kind
    cols[4][i] = c.medium
    cols[5][i] = c.app
    cols[6][i] = c.visibility
    cols[7][i] = c.referrer
    cols[8][i] = c.userAgent
    cols[9][i] = c.visitor
    cols[10][i] = c.language
    cols[11][i] = c.country
    cols[12][i] = c.browser
    cols[13][i] = c.os
    cols[14][i] = c.device
  }
  const lossCounts = new Map<string, number>()
  for (const l of losses) {
    const key = `${l.linkId}|${Math.floor(l.at / HOUR_MS) * HOUR_MS}|${l.reason}`
    lossCounts.set(key, (lossCounts.get(key) ?? 0) + 1)
  }
  const client = await pool.connect()
  try {
    await client.query('begin')
    const { rows } = clicks.length ? await client.query(INSERT_CLICKS, cols) : { rows: [{ inserted: 0 }] }
    if (lossCounts.size) {
      const keys = [...lossCounts.keys()].map((k) => k.split('|'))
      await client.query(INSERT_LOSSES, [
        keys.map((k) => k[0]),
        keys.map((k) => new Date(Number(k[1])).toISOString()),
        keys.map((k) => k[2]),
        [...lossCounts.values()],
      ])
    }
    await client.query('commit')
    return { inserted: rows[0].inserted as number }
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}
