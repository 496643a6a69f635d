import type { FastifyBaseLogger } from 'fastify'
import type { CopyPayload } from '../../infra/pg-copy-from.ts'
import type { Journal } from '../journal/journal.ts'
import type { EventKind } from './event-kind.ts'
import type { SealedBatch, Spool } from './spool.ts'

const FIRST_RETRY_DELAY_MS = 100
const MAX_RETRY_DELAY_MS = 5_000

export type DrainOptions = {
  log: FastifyBaseLogger
  flushMs: number
  /** Runs after each committed batch (e.g. to prefetch the next id generation). */
  afterWrite?: () => Promise<void>
  /** Told about each committed batch, for the metrics. */
  onBatch?: (rows: number, seconds: number) => void
}

/** What the drain has done, for stats and readiness. */
export type DrainStats = {
  written: number
  duplicates: number
  /** Events Postgres refused as bad data; their segment is moved to journal/rejected/. */
  rejected: number
  failures: number
  batches: number
  lastBatchMs: number
  lastBatchSize: number
  databaseHealthy: boolean
}

export type Drain = ReturnType<typeof createDrain>

/**
 * Writes sealed batches to Postgres one at a time, oldest first, streamed from the journal (the page
 * cache) as the COPY payload, so events never pile up in the heap. A failed batch is retried with
 * backoff, never dropped; one Postgres refuses as bad data (written the careful way already) is moved
 * aside so it cannot block the batches behind it.
 */
export function createDrain<S, K>(kind: EventKind<S, K>, spool: Spool<S, K>, journal: Journal, o: DrainOptions) {
  let draining: Promise<void> | null = null
  let retryAt = 0
  let retryDelay = FIRST_RETRY_DELAY_MS
  let leftOverWritten = spool.length === 0
  const stats: DrainStats = {
    written: 0,
    duplicates: 0,
    rejected: 0,
    failures: 0,
    batches: 0,
    lastBatchMs: 0,
    lastBatchSize: 0,
    databaseHealthy: true,
  }

  /**
   * The batch's rows as COPY data, and its side lines: the segment's rows as written, or its whole rows
   * if it was damaged, then whatever the disk did not take.
   */
  function payload(batch: SealedBatch<S, K>): { rows: CopyPayload; side: string; count: number } {
    if (!batch.damaged) {
      // Keeping up (nothing queued behind it): spread it over half a flush interval, so Postgres never
      // holds a CPU for long. Behind, send at full speed.
      const keepingUp = spool.length === 1
      return {
        rows: { file: journal.rowsFile(batch.segment), chunks: [], spreadOverMs: keepingUp ? o.flushMs / 2 : 0 },
        side: kind.sideLinesOf(batch.kept),
        count: batch.count,
      }
    }
    const fromDisk = journal.read(batch.segment)
    if (fromDisk.discarded > 0)
      o.log.warn({ segment: batch.segment, discarded: fromDisk.discarded }, 'partial journal rows skipped')
    const kept = batch.unjournaled ?? []
    let count = fromDisk.count
    for (const k of kept) count += kind.scanRows(k.rows, 0).count
    return {
      rows: { file: null, chunks: [fromDisk.rows, ...kept.map((k) => k.rows)] },
      side: fromDisk.side + kept.map((k) => k.side).join(''),
      count,
    }
  }

  async function drainSpool() {
    for (let batch = spool.head(); batch !== undefined; batch = spool.head()) {
      const started = performance.now()
      let count = batch.count
      try {
        const sent = payload(batch)
        count = sent.count
        const { inserted } = await kind.writeBatch({
          rows: sent.rows,
          side: sent.side,
          count,
          kept: batch.kept,
          summary: batch.summary,
        })
        stats.written += inserted
        stats.duplicates += count - inserted
        stats.batches++
        stats.lastBatchSize = count
        stats.lastBatchMs = performance.now() - started
        o.onBatch?.(count, stats.lastBatchMs / 1000)
      } catch (err) {
        // Whether it committed is unknown (the connection may have died after COMMIT): from now on
        // the batch goes the careful way, which skips what is already there.
        const wasFresh = batch.summary !== null
        spool.careful(batch)
        if (!wasFresh && isBadData(err)) {
          // Retrying cannot help and would block every batch behind it: set it aside, loudly.
          const path = journal.quarantine(batch.segment)
          stats.rejected += count
          o.log.error({ err, rows: count, path }, `Postgres refused a ${kind.name} batch as bad data; moved aside`)
          spool.shift()
          continue
        }
        stats.failures++
        if (stats.databaseHealthy)
          o.log.warn({ err, backlog: spool.backlog() }, `${kind.name} batch failed; will retry`)
        stats.databaseHealthy = false
        retryAt = Date.now() + retryDelay
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS)
        return
      }
      kind.committed(batch.kept)
      journal.remove(batch.segment)
      spool.shift()
      if (!stats.databaseHealthy) o.log.info({ backlog: spool.backlog() }, `${kind.name} writes resumed`)
      stats.databaseHealthy = true
      retryAt = 0
      retryDelay = FIRST_RETRY_DELAY_MS
      o.log.debug(
        { rows: count, ms: Math.round(stats.lastBatchMs), backlog: spool.backlog() },
        `${kind.name} batch flushed`,
      )
      await o.afterWrite?.().catch(() => {})
    }
    leftOverWritten = true
  }

  return {
    stats,
    /** Writes every sealed batch; one drain in flight at a time. */
    drain(): Promise<void> {
      if (draining) return draining
      if (spool.length === 0) return Promise.resolve()
      draining = drainSpool().finally(() => (draining = null))
      return draining
    },
    /** The drain in flight, if any. */
    inFlight: () => draining,
    /** Whether a failed batch's backoff is still running. */
    waiting: () => Date.now() < retryAt,
    retryAt: () => retryAt,
    /** Whether the batches an earlier run left in the journal were all written. */
    leftOverWritten: () => leftOverWritten,
  }
}

/** Postgres SQLSTATE classes 22 (data exception) and 23 (integrity violation): the batch itself is wrong. */
function isBadData(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && /^2[23]/.test(code)
}
