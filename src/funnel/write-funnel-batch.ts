import type pg from 'pg'
import type { Pool } from '../infra/database.ts'
import { copyFrom, type CopyPayload } from '../infra/pg-copy-from.ts'
import type { FunnelRollups } from './funnel-rollups.ts'
import { FUNNEL_COLUMNS } from './funnel-row.ts'

const COLUMNS = FUNNEL_COLUMNS.join(', ')

export type FunnelBatch = { rows: CopyPayload; count: number; rollups: FunnelRollups | null }

const SHARE_KEY = 'content_id, hour, channel'
const ARRIVAL_KEY = 'content_id, hour, medium, app, visibility, source, generation'
const SHARE_UPSERT = `on conflict (${SHARE_KEY}) do update set shares = r.shares + excluded.shares`
const ARRIVAL_UPSERT = `on conflict (${ARRIVAL_KEY}) do update set arrivals = r.arrivals + excluded.arrivals`

// Every hourly row's count is added to its UTC day's row in the same statement (migration 046): reports read
// whole days from the daily tables (src/analytics/rollup-range.ts). `source`: a CTE of hourly rows.
const dailyOf = (table: string, key: string, count: string, source: string) => {
  const rest = key.replace('content_id, hour, ', '')
  const columns = key.split(', ').length
  const positions = Array.from({ length: columns }, (_, i) => i + 1).join(', ')
  return `insert into ${table} as r (${key.replace('hour', 'day')}, ${count})
  select content_id, (hour at time zone 'UTC')::date, ${rest}, sum(${count}) from ${source}
  group by ${positions} order by ${positions}
  on conflict (${key.replace('hour', 'day')}) do update set ${count} = r.${count} + excluded.${count}`
}

// A fresh batch (ids minted by this process, never sent before) holds no event Postgres already has: its
// rows go straight into funnel_events, its rollups, counted in memory, are upserted from arrays.
const UPSERT_SHARES = `
with hourly as (
  select * from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::bigint[]) as x(${SHARE_KEY}, shares)
), daily as (${dailyOf('share_rollups_daily', SHARE_KEY, 'shares', 'hourly')})
insert into share_rollups_hourly as r (${SHARE_KEY}, shares)
select * from hourly
${SHARE_UPSERT}`
const UPSERT_ARRIVALS = `
with hourly as (
  select * from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[], $8::bigint[])
    as x(${ARRIVAL_KEY}, arrivals)
), daily as (${dailyOf('arrival_rollups_daily', ARRIVAL_KEY, 'arrivals', 'hourly')})
insert into arrival_rollups_hourly as r (${ARRIVAL_KEY}, arrivals)
select * from hourly
${ARRIVAL_UPSERT}`

// Anything else (a retry whose first attempt may have committed, a replay after a crash): each event once,
// none that funnel_events already has (looked up in the batch's time range), rollups from the rows inserted.
const CREATE_STAGING = `create temp table if not exists funnel_batch (like funnel_events) on commit delete rows`
const BATCH_TIME_RANGE = `select min(at)::text as first, max(at)::text as last from funnel_batch`
const INSERT_FROM_STAGING = `
with inserted as (
  insert into funnel_events (${COLUMNS})
  select distinct on (b.id) ${FUNNEL_COLUMNS.map((c) => `b.${c}`).join(', ')} from funnel_batch b
  where not exists (select 1 from funnel_events e where e.at between $1 and $2 and e.id = b.id and e.at = b.at and e.content_id = b.content_id)
  returning *
), share_hours as (
  select content_id, date_trunc('hour', at, 'UTC') as hour, channel, count(*) as shares from inserted where type = 'share'
  group by 1, 2, 3
), shares as (
  insert into share_rollups_hourly as r (${SHARE_KEY}, shares)
  select * from share_hours order by 1, 2, 3
  ${SHARE_UPSERT}
), share_days as (${dailyOf('share_rollups_daily', SHARE_KEY, 'shares', 'share_hours')}
), arrival_hours as (
  select content_id, date_trunc('hour', at, 'UTC') as hour, medium, coalesce(app, '') as app, visibility, source, generation,
         count(*) as arrivals
  from inserted where type = 'arrival'
  group by 1, 2, 3, 4, 5, 6, 7
), arrivals as (
  insert into arrival_rollups_hourly as r (${ARRIVAL_KEY}, arrivals)
  select * from arrival_hours order by 1, 2, 3, 4, 5, 6, 7
  ${ARRIVAL_UPSERT}
), arrival_days as (${dailyOf('arrival_rollups_daily', ARRIVAL_KEY, 'arrivals', 'arrival_hours')}
)
select count(*)::int as inserted from inserted`

/** Writes one batch of funnel events and their rollups in one transaction, as binary COPY. */
export function createFunnelBatchWriter(pool: Pick<Pool, 'connect'>) {
  const staged = new WeakSet<object>()
  return async function writeFunnelBatch(batch: FunnelBatch): Promise<{ inserted: number }> {
    const client = (await pool.connect()) as pg.PoolClient
    try {
      await client.query('begin')
      let inserted = 0
      if (batch.count > 0 && batch.rollups) {
        inserted = await copyFrom(client, `funnel_events (${COLUMNS})`, 'binary', batch.rows)
        const c = batch.rollups.columns()
        if (c.shares[0].length) await client.query(UPSERT_SHARES, c.shares)
        if (c.arrivals[0].length) await client.query(UPSERT_ARRIVALS, c.arrivals)
      } else if (batch.count > 0) {
        if (!staged.has(client)) {
          await client.query(CREATE_STAGING)
          staged.add(client)
        }
        await copyFrom(client, 'funnel_batch', 'binary', batch.rows)
        const { first, last } = (await client.query(BATCH_TIME_RANGE)).rows[0]
        if (first !== null) inserted = (await client.query(INSERT_FROM_STAGING, [first, last])).rows[0].inserted
      }
      await client.query('commit')
      client.release()
      return { inserted }
    } catch (err) {
      await client.query('rollback').catch(() => {})
      client.release(true)
      throw err
    }
  }
}
