import { Histogram, type Registry } from 'prom-client'
import { counterFrom, gaugeFrom } from '../infra/metrics.ts'
import type { ClickWriterStats } from './click-kind/click-writer.ts'

/**
 * The click pipeline's metrics, read from the writer's counters at scrape time; only the batch
 * histogram is observed as it happens (a few batches a second, never per click).
 */
export function registerClickMetrics(registry: Registry, stats: () => ClickWriterStats) {
  counterFrom(
    registry,
    'umbra_clicks_captured_total',
    'Clicks recorded by the redirect (journaled before their 302)',
    [],
    () => [[{}, stats().captured]],
  )
  counterFrom(
    registry,
    'umbra_click_journal_writes_total',
    'Journal writes (one per event-loop turn that captured clicks, before their 302s leave)',
    [],
    () => [[{}, stats().journalWrites]],
  )
  counterFrom(registry, 'umbra_clicks_written_total', 'Clicks inserted into Postgres', [], () => [
    [{}, stats().written],
  ])
  counterFrom(
    registry,
    'umbra_clicks_duplicates_total',
    'Replayed clicks Postgres already had (not counted twice)',
    [],
    () => [[{}, stats().duplicates]],
  )
  counterFrom(
    registry,
    'umbra_clicks_spooled_total',
    'Clicks whose in-memory copy was dropped to bound memory; they waited on disk',
    [],
    () => [[{}, stats().spilled]],
  )
  counterFrom(
    registry,
    'umbra_clicks_unjournaled_total',
    'Clicks the journal could not take (disk error); kept in memory only',
    [],
    () => [[{}, stats().unjournaled]],
  )
  counterFrom(
    registry,
    'umbra_clicks_dropped_total',
    'Redirects that did not become clicks, or clicks Postgres refused, by reason',
    ['reason'],
    () => {
      const s = stats()
      return [
        [{ reason: 'head' }, s.lossesRecorded.head],
        [{ reason: 'prefetch' }, s.lossesRecorded.prefetch],
        [{ reason: 'rejected' }, s.rejected],
      ]
    },
  )
  counterFrom(registry, 'umbra_click_batch_failures_total', 'Click batches that failed and will be retried', [], () => [
    [{}, stats().failures],
  ])
  gaugeFrom(
    registry,
    'umbra_click_backlog',
    'Clicks not yet written to Postgres (memory and disk)',
    () => stats().backlog,
  )
  gaugeFrom(
    registry,
    'umbra_click_backlog_on_disk',
    'Of the backlog, clicks held only in journal segments',
    () => stats().spooled,
  )
  gaugeFrom(
    registry,
    'umbra_click_database_healthy',
    '1 when the last click batch was written, 0 while retrying',
    () => (stats().databaseHealthy ? 1 : 0),
  )
  const size = new Histogram({
    name: 'umbra_click_batch_size',
    help: 'Clicks per batch written',
    buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000, 25000, 50000],
    registers: [registry],
  })
  const seconds = new Histogram({
    name: 'umbra_click_batch_seconds',
    help: 'Time to write one batch with its rollups (COPY, insert, commit)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  return {
    observeBatch(rows: number, s: number) {
      size.observe(rows)
      seconds.observe(s)
    },
  }
}
