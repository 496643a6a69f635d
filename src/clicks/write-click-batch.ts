import type pg from 'pg'
import type { DatabaseKind, Pool } from '../infra/database.ts'
import { readFileSync } from 'node:fs'
import { copyFrom, type CopyPayload } from '../infra/pg-copy-from.ts'
import { CLICK_COLUMNS, decodeClickLine } from './click-line.ts'
import type { BatchRollups } from './batch-rollups.ts'
import type { ClickRecord, LossRecord } from './click-record.ts'

const HOUR_MS = 3_600_000
const COLUMNS = CLICK_COLUMNS.join(', ')

/**
 * One sealed batch: its clicks as COPY text lines (a journal segment sent straight from disk, and/or
 * lines in memory), the requests that were not clicks, and — for a batch of this run's clicks never
 * sent before — its rollups counted in memory.
 */
export type ClickBatch = { payload: CopyPayload; count: number; losses: readonly LossRecord[]; rollups: BatchRollups | null }

export type WriteClickBatch = (batch: ClickBatch) => Promise<{ inserted: number }>

/**
 * Rollups from the rows actually inserted: a replayed click id conflicts, is skipped, and so is never
 * counted twice. Every upsert goes in key order, so two instances writing the same hot link's rows lock
 * them in the same order and cannot deadlock. `inserted` is defined by the caller.
 */
const ROLLUPS_FROM_INSERTED = `
rollups as (
  insert into click_rollups_hourly as r (link_id, hour, kind, medium, app, visibility, clicks)
  select link_id, date_trunc('hour', clicked_at), kind, coalesce(medium, ''), coalesce(app, ''), coalesce(visibility, ''), count(*)
  from inserted
  group by 1, 2, 3, 4, 5, 6
  order by 1, 2, 3, 4, 5, 6
  on conflict (link_id, hour, kind, medium, app, visibility) do update set clicks = r.clicks + excluded.clicks
), dimensions as (
  insert into click_dimensions_daily as d (link_id, day, dimension, value, clicks)
  select link_id, (clicked_at at time zone 'UTC')::date, dim.name, coalesce(dim.value, 'unknown'), count(*)
  from inserted, lateral (values ('browser', browser), ('os', os), ('device', device)) as dim(name, value)
  where kind = 'human'
  group by 1, 2, 3, 4
  order by 1, 2, 3, 4
  on conflict (link_id, day, dimension, value) do update set clicks = d.clicks + excluded.clicks
), visitors as (
  insert into link_visitors_daily (link_id, day, visitor)
  select distinct link_id, (clicked_at at time zone 'UTC')::date, visitor
  from inserted
  where kind = 'human' and visitor is not null
  order by 1, 2, 3
  on conflict do nothing
)
select count(*)::int as inserted from inserted`

const RETURNING = 'returning link_id, clicked_at, kind, medium, app, visibility, visitor, browser, os, device'

// A fresh batch (ids minted by this process, never sent before) cannot hold a click Postgres already has:
// its lines are COPYed straight into clicks, and its rollups, counted in memory, upserted from arrays.
// Measured on Postgres' side: ~11 µs of CPU a click, against ~18 µs through the staging table below.
const COPY_TO_CLICKS = `copy clicks (${COLUMNS}) from stdin`
const UPSERT_ROLLUPS = `
with rollups as (
  insert into click_rollups_hourly as r (link_id, hour, kind, medium, app, visibility, clicks)
  select * from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
  on conflict (link_id, hour, kind, medium, app, visibility) do update set clicks = r.clicks + excluded.clicks
)
insert into click_dimensions_daily as d (link_id, day, dimension, value, clicks)
select * from unnest($8::bigint[], $9::date[], $10::text[], $11::text[], $12::bigint[])
on conflict (link_id, day, dimension, value) do update set clicks = d.clicks + excluded.clicks`

// The batch's visitor-day rows, in a transaction of their own on a second connection while the first
// one COPYs: Postgres then works on two cores. Safe because inserting them is idempotent (on conflict do
// nothing; the uniques trigger counts only rows actually inserted) and it commits first, so a committed
// click always has its visitor row, and a retry after a failure in between adds no visitor twice.
const INSERT_VISITORS = `
insert into link_visitors_daily (link_id, day, visitor)
select * from unnest($1::bigint[], $2::date[], $3::bigint[])
on conflict do nothing`

// Anything else (a retry whose first attempt may have committed, a replay after a crash): the lines are
// COPYed into a session-local staging table (no WAL, emptied at commit), then moved into clicks skipping
// ids already there, with the rollups computed from the rows actually inserted, in one statement.
const CREATE_STAGING = `create temp table if not exists click_batch (like clicks including defaults) on commit delete rows`
const COPY_TO_STAGING = `copy click_batch (${COLUMNS}) from stdin`
const INSERT_FROM_STAGING = `
with inserted as (
  insert into clicks (${COLUMNS}) select ${COLUMNS} from click_batch
  on conflict do nothing
  ${RETURNING}
), ${ROLLUPS_FROM_INSERTED}`

// Embedded PGlite has no COPY over the wire: the lines are decoded and sent as arrays.
const INSERT_FROM_ARRAYS = `
with inserted as (
  insert into clicks (${COLUMNS})
  select * from unnest(
    $1::bigint[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[]
  )
  on conflict do nothing
  ${RETURNING}
), ${ROLLUPS_FROM_INSERTED}`

/** HEAD requests and prefetches: pre-aggregated per link, hour and reason, added to the rollups. */
const INSERT_LOSSES = `
insert into click_rollups_hourly as r (link_id, hour, kind, clicks)
select * from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::bigint[])
order by 1, 2, 3
on conflict (link_id, hour, kind, medium, app, visibility) do update set clicks = r.clicks + excluded.clicks`

/** Writes batches of clicks with their rollups, one transaction per batch; COPY on Postgres, arrays on PGlite. */
export function createClickBatchWriter(pool: Pick<Pool, 'connect'>, kind: DatabaseKind): WriteClickBatch {
  const staged = new WeakSet<object>()
  const insertClicks =
    kind === 'postgres'
      ? async (client: pg.PoolClient, batch: ClickBatch): Promise<{ rows: { inserted: number }[] }> => {
          if (batch.rollups) {
            const inserted = await copyFrom(client, COPY_TO_CLICKS, batch.payload)
            const r = batch.rollups.columns()
            await client.query(UPSERT_ROLLUPS, [...r.hourly, ...r.dimensions])
            return { rows: [{ inserted }] }
          }
          if (!staged.has(client)) {
            await client.query(CREATE_STAGING)
            staged.add(client)
          }
          await copyFrom(client, COPY_TO_STAGING, batch.payload)
          return client.query(INSERT_FROM_STAGING)
        }
      : async (client: pg.PoolClient, batch: ClickBatch) => client.query(INSERT_FROM_ARRAYS, toColumns(decodeLines(batch.payload)))

  return async function writeClickBatch(batch) {
    const visitors = kind === 'postgres' && batch.rollups?.hasVisitors() ? batch.rollups.columns().visitors : null
    const clients = [(await pool.connect()) as pg.PoolClient]
    let inserted: number
    try {
      if (visitors) clients.push((await pool.connect()) as pg.PoolClient)
      const [client, side] = clients
      await client.query('begin')
      const [{ rows }] = await Promise.all([
        batch.count > 0 ? insertClicks(client, batch) : { rows: [{ inserted: 0 }] },
        side && visitors && side.query('begin').then(() => side.query(INSERT_VISITORS, visitors)),
      ])
      if (batch.losses.length > 0) await client.query(INSERT_LOSSES, lossColumns(batch.losses))
      if (side) await side.query('commit')
      await client.query('commit')
      inserted = rows[0].inserted
    } catch (err) {
      for (const c of clients) {
        await c.query('rollback').catch(() => {})
        // The connection may be the reason: do not give it back to the pool.
        c.release(true)
      }
      throw err
    }
    for (const c of clients) c.release()
    return { inserted }
  }
}

function decodeLines({ file, chunks }: CopyPayload): ClickRecord[] {
  const clicks: ClickRecord[] = []
  for (const chunk of file === null ? chunks : [readFileSync(file), ...chunks])
    for (const line of chunk.toString().split('\n')) {
      const click = line ? decodeClickLine(line) : null
      if (click) clicks.push(click)
    }
  return clicks
}

function toColumns(clicks: readonly ClickRecord[]): unknown[][] {
  const cols: unknown[][] = Array.from({ length: CLICK_COLUMNS.length }, () => new Array(clicks.length))
  for (let i = 0; i < clicks.length; i++) {
    const c = clicks[i]
    cols[0][i] = c.id
    cols[1][i] = c.linkId
    cols[2][i] = new Date(c.at).toISOString()
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
    cols[15][i] = c.requestedWith
  }
  return cols
}

function lossColumns(losses: readonly LossRecord[]): unknown[][] {
  const counts = new Map<string, number>()
  for (const l of losses) {
    const key = `${l.linkId}|${Math.floor(l.at / HOUR_MS) * HOUR_MS}|${l.reason}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const keys = [...counts.keys()].map((k) => k.split('|'))
  return [keys.map((k) => k[0]), keys.map((k) => new Date(Number(k[1])).toISOString()), keys.map((k) => k[2]), [...counts.values()]]
}
