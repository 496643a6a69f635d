import fp from 'fastify-plugin'
import type pg from 'pg'
import type { Config } from '../../config.ts'
import { counterFrom } from '../../infra/metrics.ts'
import { collectVerdicts } from './collect-verdicts.ts'
import { dropRawPartitions, RAW_TABLES, type DroppedRaw, type RawTable } from './drop-raw-partitions.ts'

const DAY_MS = 86_400_000
// Any fixed number: one instance at a time drops and collects; the others skip that run.
const RETENTION_LOCK = 727_032
// The first run waits for start-up to settle (migrations, journal replay); then once a day.
const FIRST_RUN_DELAY_MS = 60_000
const RUN_EVERY_MS = DAY_MS

/** What one run did: null when another instance held the lock. */
export type RetentionRun = { cutoff: Date | null; dropped: DroppedRaw | null; verdictsCollected: number } | null

declare module 'fastify' {
  interface FastifyInstance {
    /** Raw click retention and verdict collection; run() does one run now (it also runs daily by itself). */
    retention: { run(): Promise<RetentionRun> }
  }
}

/**
 * RAW_CLICK_RETENTION: drops the months of raw clicks and funnel events past it (rollups, and so stats,
 * reports and uniques, stay); and, retention or not, collects the verdicts no click uses any more. In the
 * background, once a day, by one instance at a time (an advisory lock); logged and counted in /metrics.
 */
export const retentionPlugin = fp(
  async (
    app,
    {
      config,
      keepClicksSql = null,
    }: {
      config: Pick<Config, 'rawClickRetentionDays'>
      /** A batch observer's keepSql: what it must keep of clicks about to be dropped (click-batch-observer.ts). */
      keepClicksSql?: string | null
    },
  ) => {
    const log = app.log.child({ component: 'retention' })
    const pool = app.pg.pool as pg.Pool
    const totals = {
      partitions: { clicks: 0, funnel_events: 0 } as Record<RawTable, number>,
      defaultRows: { clicks: 0, funnel_events: 0 } as Record<RawTable, number>,
      verdicts: 0,
      runs: { done: 0, skipped: 0, failed: 0 },
    }
    const registry = app.metrics.registry
    const perTable = (counts: Record<RawTable, number>) =>
      RAW_TABLES.map(({ table }): [{ table: string }, number] => [{ table }, counts[table]])
    counterFrom(
      registry,
      'umbra_raw_partitions_dropped_total',
      'Monthly raw partitions dropped past RAW_CLICK_RETENTION',
      ['table'],
      () => perTable(totals.partitions),
    )
    counterFrom(
      registry,
      'umbra_raw_default_rows_deleted_total',
      'Raw rows past RAW_CLICK_RETENTION deleted from default partitions',
      ['table'],
      () => perTable(totals.defaultRows),
    )
    counterFrom(
      registry,
      'umbra_verdicts_collected_total',
      'Click verdicts deleted because no click uses them',
      [],
      () => [[{}, totals.verdicts]],
    )
    counterFrom(
      registry,
      'umbra_retention_runs_total',
      'Retention and collection runs by outcome (skipped: another instance ran)',
      ['outcome'],
      () => Object.entries(totals.runs).map(([outcome, n]): [{ outcome: string }, number] => [{ outcome }, n]),
    )

    async function runOnce(): Promise<RetentionRun> {
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        const { rows } = await client.query('select pg_try_advisory_lock($1) as locked', [RETENTION_LOCK])
        if (!rows[0].locked) {
          totals.runs.skipped++
          return null
        }
        try {
          const days = config.rawClickRetentionDays
          const cutoff = days === undefined ? null : new Date(Date.now() - days * DAY_MS)
          const dropped = cutoff && (await dropRawPartitions(client, cutoff, keepClicksSql))
          const verdictsCollected = await collectVerdicts(client)
          if (dropped) {
            for (const p of dropped.partitions) totals.partitions[p.table]++
            for (const { table } of RAW_TABLES) totals.defaultRows[table] += dropped.defaultRows[table]
          }
          totals.verdicts += verdictsCollected
          totals.runs.done++
          if (dropped?.partitions.length || dropped?.postponed.length || verdictsCollected)
            log.info(
              { cutoff, ...dropped, verdictsCollected },
              'raw data past retention dropped, unused verdicts collected',
            )
          return { cutoff, dropped, verdictsCollected }
        } finally {
          await client.query('select pg_advisory_unlock($1)', [RETENTION_LOCK])
        }
      } catch (err) {
        totals.runs.failed++
        broken = err as Error
        throw err
      } finally {
        // A connection that failed may still hold the lock: closed rather than pooled, which lets it go.
        client.release(broken)
      }
    }

    let running: Promise<RetentionRun> | null = null
    const run = () => (running ??= runOnce().finally(() => (running = null)))
    const runInBackground = () =>
      void run().catch((err) => log.warn({ err }, 'retention run failed; trying again tomorrow'))
    app.decorate('retention', { run })
    const first = setTimeout(runInBackground, FIRST_RUN_DELAY_MS).unref()
    const daily = setInterval(runInBackground, RUN_EVERY_MS).unref()
    app.addHook('onClose', async () => {
      clearTimeout(first)
      clearInterval(daily)
      await running?.catch(() => {})
    })
  },
  { name: 'retention', dependencies: ['database', 'metrics'] },
)
