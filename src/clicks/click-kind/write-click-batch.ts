import type pg from 'pg'
import type { Pool } from '../../infra/database.ts'
import { copyFrom, type CopyPayload } from '../../infra/pg-copy-from.ts'
import type { BatchRollups } from '../rollups/batch-rollups.ts'
import type { LossRecord } from '../click-record.ts'
import { hourOf, LABEL_FIELDS, ROLLUPS } from '../rollups/rollup-keys.ts'
import {
  clickDaysFromHourlySql,
  dailyFromHourlySql,
  daySql,
  DIMENSION_PRESENT_SQL,
  DIMENSION_VALUE_SQL,
  dimensionRowsSql,
  DIMENSIONS_KEY,
  DIMENSIONS_UPSERT,
  HOURLY_KEY,
  HOURLY_PARAMS,
  HOURLY_UNNEST,
  HOURLY_UPSERT,
  hourlyLabelsSql,
  hourSql,
  isPersonSql,
  positions,
} from '../rollups/rollup-sql.ts'
import type { ClickBatchObserver } from './click-batch-observer.ts'
import { type PersonRuns, runParams } from './person-runs.ts'
import { VERDICT_COLUMNS } from '../verdicts/click-verdict.ts'
import { CLICK_COLUMNS, clickColumnsOf, fieldCountAt } from './click-row.ts'

const COLUMNS = CLICK_COLUMNS.join(', ')

/**
 * The columns a batch's rows carry: a segment an older process journalled (replayed after an upgrade, the
 * careful way, so read into memory) has fewer.
 */
function columnsOf(rows: CopyPayload): readonly string[] {
  const first = rows.chunks[0]
  return rows.file === null && Buffer.isBuffer(first) ? clickColumnsOf(fieldCountAt(first)) : CLICK_COLUMNS
}

/**
 * One sealed batch: its clicks as binary COPY data (a journal segment sent straight from disk, and/or rows
 * in memory), the verdicts they use that Postgres may not have yet (COPY text lines), the requests that
 * were not clicks, and — for a batch of this run's clicks never sent before — its rollups counted in memory.
 */
export type ClickBatch = {
  rows: CopyPayload
  verdicts: string
  count: number
  losses: readonly LossRecord[]
  rollups: BatchRollups | null
  /** A fresh batch's person clicks in runs, noted as they came, for the batch observer. */
  personRuns?: PersonRuns | null
}

export type WriteClickBatch = (batch: ClickBatch) => Promise<{ inserted: number }>

// Session-local staging tables (no WAL, emptied at commit): verdicts are moved into click_verdicts skipping
// those already there; a batch written the careful way is moved into clicks skipping clicks already there.
const CREATE_STAGING = `
create temp table if not exists verdict_batch (like click_verdicts including defaults) on commit delete rows;
create temp table if not exists click_batch (like clicks) on commit delete rows`
// The batch's verdicts are marked listed today ($1) before the new ones are inserted: a verdict the collector
// deletes concurrently is either kept (its row is locked here first) or gone before the insert, which adds it
// again. In id order: two instances listing the same verdicts wait for each other in one order, never in a cycle.
const VERDICT_FIELDS = VERDICT_COLUMNS.join(', ')
const MARK_VERDICTS_LISTED = `
update click_verdicts v set listed_on = $1::date where v.id in (
  select c.id from click_verdicts c join verdict_batch b using (id) where c.listed_on < $1::date order by c.id for update of c)`
const INSERT_VERDICTS = `
insert into click_verdicts (${VERDICT_FIELDS}, listed_on) select ${VERDICT_FIELDS}, $1::date from verdict_batch
order by id on conflict (id) do nothing`

// A fresh batch (ids minted by this process, never sent before) cannot hold a click Postgres already has:
// its rows are COPYed straight into clicks, and its rollups, counted in memory, upserted from arrays.
const D = HOURLY_PARAMS
const UPSERT_ROLLUPS = `
with hourly_rows as (
  select * from ${HOURLY_UNNEST} as h(${HOURLY_KEY}, clicks)
), rollups as (
  insert into ${ROLLUPS.hourly.table} as r (${HOURLY_KEY}, clicks)
  select * from hourly_rows
  ${HOURLY_UPSERT}
), daily as (${dailyFromHourlySql('hourly_rows')}
), days as (${clickDaysFromHourlySql('hourly_rows')}
)
insert into ${ROLLUPS.dimensions.table} as d (${DIMENSIONS_KEY}, clicks)
select * from unnest($${D + 1}::bigint[], $${D + 2}::date[], $${D + 3}::text[], $${D + 4}::text[], $${D + 5}::bigint[])
${DIMENSIONS_UPSERT}`

// The batch's visitor-day rows, on a second connection while the first one COPYs: Postgres then works on
// two cores. A transaction of its own, committed before the clicks' (a committed click always has its
// visitor row) and idempotent (on conflict do nothing; the uniques trigger counts only rows inserted), so a
// retry after a failure in between adds no visitor twice. It commits as soon as it is done, not when the
// clicks are: its uniques row (link, day) is what another instance's visitors wait for, while that
// instance's clicks may wait for ours (a new verdict), a cycle Postgres cannot see. The lock timeout breaks
// any other such wait (a reclassification holding the day): the batch fails and is retried the careful way.
const BEGIN_VISITORS = `begin; set local lock_timeout = '5s'`
const INSERT_VISITORS = `
insert into ${ROLLUPS.visitors.table} (link_id, day, visitor)
select * from unnest($1::bigint[], $2::date[], $3::bigint[])
on conflict do nothing`

// Anything else (a retry whose first attempt may have committed, a replay after a crash): each click once
// (a damaged segment may hold a row twice), and none that clicks already has. Clicks have no per-row index
// (it would double Postgres' work per click), so "already has" is looked up among the clicks of the batch's
// time range ($1, $2), which the BRIN index and the monthly partitions narrow to a few pages; the rollups
// are computed from the rows actually inserted, in the same statement, and upserted in key order, so two
// instances writing the same hot link's rows lock them in the same order and cannot deadlock.
const BATCH_TIME_RANGE = `select min(clicked_at)::text as first, max(clicked_at)::text as last from click_batch`
const HOURLY_COLUMNS = 2 + ROLLUPS.hourly.labels.length
const LABEL_FIELDS_SQL = LABEL_FIELDS.map((f) => `v.${f}`).join(', ')
// The columns of a click row its own dimensions come from (country, rule, place), beside its verdict's labels.
const CLICK_DIMENSIONS_SQL = ROLLUPS.clickColumns.join(', ')
// With an observer, the statement also cuts the inserted person clicks into runs of `runLength` in id order.
const insertFromStaging = (runLength: number | null) => `
with inserted as (
  insert into clicks (${COLUMNS})
  select distinct on (b.id) ${CLICK_COLUMNS.map((c) => `b.${c}`).join(', ')} from click_batch b
  where not exists (select 1 from clicks c where c.clicked_at between $1 and $2 and c.id = b.id and c.clicked_at = b.clicked_at)
  returning id, link_id, clicked_at, verdict_id, visitor, ${CLICK_DIMENSIONS_SQL}
), labeled as (
  select i.link_id, i.clicked_at, i.visitor, ${LABEL_FIELDS_SQL}, ${CLICK_DIMENSIONS_SQL}, i.id
  from inserted i join click_verdicts v on v.id = i.verdict_id
), hourly_rows as (
  select link_id, ${hourSql('clicked_at')} as hour, ${hourlyLabelsSql()
    .map((sql, i) => `${sql} as ${ROLLUPS.hourly.labels[i]}`)
    .join(', ')}, count(*) as clicks
  from labeled
  group by ${positions(HOURLY_COLUMNS)}
), rollups as (
  insert into ${ROLLUPS.hourly.table} as r (${HOURLY_KEY}, clicks)
  select * from hourly_rows
  order by ${positions(HOURLY_COLUMNS)}
  ${HOURLY_UPSERT}
), daily as (${dailyFromHourlySql('hourly_rows')}
), days as (${clickDaysFromHourlySql('hourly_rows')}
), dimensions as (
  insert into ${ROLLUPS.dimensions.table} as d (${DIMENSIONS_KEY}, clicks)
  select link_id, ${daySql('clicked_at')}, dim.name, ${DIMENSION_VALUE_SQL}, count(*)
  from labeled, ${dimensionRowsSql()}
  where ${isPersonSql()} and ${DIMENSION_PRESENT_SQL}
  group by 1, 2, 3, 4
  order by 1, 2, 3, 4
  ${DIMENSIONS_UPSERT}
), visitors as (
  insert into ${ROLLUPS.visitors.table} (link_id, day, visitor)
  select distinct link_id, ${daySql('clicked_at')}, visitor
  from labeled
  where ${isPersonSql()} and visitor is not null
  order by 1, 2, 3
  on conflict do nothing
)
${runLength === null ? 'select count(*)::int as inserted from inserted' : personRunsSql(runLength)}`

const personRunsSql = (runLength: number) => `, persons as (
  select id, clicked_at, (row_number() over (order by id) - 1) / ${runLength} as run from labeled where ${isPersonSql()}
), runs as (
  select min(id) as first_id, max(id) as last_id, min(clicked_at) as first_at, max(clicked_at) as last_at
  from persons group by run
)
select (select count(*)::int from inserted) as inserted,
  array(select first_id::text from runs order by first_id) as first_ids,
  array(select last_id::text from runs order by first_id) as last_ids,
  array(select first_at::text from runs order by first_id) as first_at,
  array(select last_at::text from runs order by first_id) as last_at`

/** HEAD requests and prefetches: pre-aggregated per link, hour and reason, added to the rollups. */
const INSERT_LOSSES = `
with hourly_rows as (
  select link_id, hour, kind, '' as medium, '' as app, '' as visibility, clicks
  from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::bigint[]) as l(link_id, hour, kind, clicks)
), daily as (${dailyFromHourlySql('hourly_rows')}
)
insert into ${ROLLUPS.hourly.table} as r (${HOURLY_KEY}, clicks)
select * from hourly_rows
order by 1, 2, 3
${HOURLY_UPSERT}`

/**
 * Writes batches of clicks with their verdicts and rollups, one transaction per batch, as binary COPY.
 */
export function createClickBatchWriter(
  pool: Pick<Pool, 'connect'>,
  observer: ClickBatchObserver | null = null,
): WriteClickBatch {
  const staged = new WeakSet<object>()
  const insertFromStagingSql = insertFromStaging(observer?.runLength ?? null)

  async function insertClicks(client: pg.PoolClient, batch: ClickBatch): Promise<number> {
    if (!staged.has(client)) {
      await client.query(CREATE_STAGING)
      staged.add(client)
    }
    if (batch.verdicts) {
      await copyFrom(client, `verdict_batch (${VERDICT_FIELDS})`, 'text', { file: null, chunks: [batch.verdicts] })
      const today = new Date().toISOString().slice(0, 10)
      await client.query(MARK_VERDICTS_LISTED, [today])
      await client.query(INSERT_VERDICTS, [today])
    }
    // A fresh batch is observed through the runs noted as it filled: one row per run, nothing per click.
    // Without them (a batch not made by the click writer) it is written the careful way, which cuts runs in SQL.
    const runs = batch.personRuns ?? null
    if (batch.rollups && (observer === null || runs !== null)) {
      const inserted = await copyFrom(client, `clicks (${COLUMNS})`, 'binary', batch.rows)
      const r = batch.rollups.columns()
      await client.query(UPSERT_ROLLUPS, [...r.hourly, ...r.dimensions])
      if (observer && runs && runs.firstIds.length > 0) await client.query(observer.recordRunsSql, runParams(runs))
      return inserted
    }
    await copyFrom(client, `click_batch (${columnsOf(batch.rows).join(', ')})`, 'binary', batch.rows)
    const { first, last } = (await client.query(BATCH_TIME_RANGE)).rows[0]
    if (first === null) return 0
    const done = (await client.query(insertFromStagingSql, [first, last])).rows[0]
    if (observer && done.first_ids.length > 0)
      await client.query(observer.recordRunsSql, [done.first_ids, done.last_ids, done.first_at, done.last_at])
    return done.inserted
  }

  return async function writeClickBatch(batch) {
    const visitors = batch.rollups?.hasVisitors() ? batch.rollups.columns().visitors : null
    const clients = [(await pool.connect()) as pg.PoolClient]
    let inserted: number
    try {
      if (visitors) clients.push((await pool.connect()) as pg.PoolClient)
      const [client, side] = clients
      await client.query('begin')
      const visitorRows = side && visitors && insertVisitorsAlone(side, visitors)
      // Both settle before anything else goes on either connection: a rollback sent while the clicks'
      // statements still run would leave the rest of them to commit on their own.
      const [clicks, visitorsDone] = await Promise.allSettled([
        batch.count > 0 ? insertClicks(client, batch) : 0,
        visitorRows,
      ])
      if (clicks.status === 'rejected') throw clicks.reason
      if (visitorsDone.status === 'rejected') throw visitorsDone.reason
      if (batch.losses.length > 0) await client.query(INSERT_LOSSES, lossColumns(batch.losses))
      await client.query('commit')
      inserted = clicks.value
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

async function insertVisitorsAlone(client: pg.PoolClient, visitors: unknown[]) {
  await client.query(BEGIN_VISITORS)
  await client.query(INSERT_VISITORS, visitors)
  await client.query('commit')
}

function lossColumns(losses: readonly LossRecord[]): unknown[][] {
  const counts = new Map<string, number>()
  for (const l of losses) {
    const key = `${l.linkId}|${hourOf(l.at)}|${l.reason}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const keys = [...counts.keys()].map((k) => k.split('|'))
  return [
    keys.map((k) => k[0]),
    keys.map((k) => new Date(Number(k[1])).toISOString()),
    keys.map((k) => k[2]),
    [...counts.values()],
  ]
}
