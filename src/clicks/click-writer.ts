import type { FastifyBaseLogger } from 'fastify'
import type { Pool } from '../infra/database.ts'
import type { ClickJournal } from './click-journal.ts'
import type { ClickRecord, LossReason, LossRecord } from './click-record.ts'
import { writeClickBatch } from './write-click-batch.ts'

const MAX_RETRY_DELAY_MS = 5_000

type SealedBatch = { segment: string; clicks: ClickRecord[] | null; losses: LossRecord[] }

export type ClickWriterOptions = {
  pool: Pick<Pool, 'connect'>
  journal: ClickJournal
  log: FastifyBaseLogger
  batchSize: number
  flushMs: number
  /** Clicks kept in memory at most; beyond it sealed batches live only in their journal segment. */
  bufferMax: number
  /** Runs after each committed batch (e.g. to prefetch the next id generation). */
  afterWrite?: () => Promise<void>
}

export type ClickWriterStats = {
  captured: number
  written: number
  duplicates: number
  backlog: number
  spilled: number
  failures: number
  batches: number
  lastBatchMs: number
  lastBatchSize: number
  databaseHealthy: boolean
}

/**
 * The write buffer: clicks are appended synchronously (journal, then memory), sealed into batches by
 * size or time, and written one batch at a time; a failed batch is retried with backoff, never dropped.
 */
export function createClickWriter(o: ClickWriterOptions) {
  let open: ClickRecord[] = []
  let openLosses: LossRecord[] = []
  // Segments left by an earlier run come first: they are older clicks.
  const sealed: SealedBatch[] = o.journal.leftOver.map((segment) => ({ segment, clicks: null, losses: [] }))
  let inMemory = 0
  let draining: Promise<void> | null = null
  let retryAt = 0
  let retryDelay = 100
  const stats: ClickWriterStats = {
    captured: 0, written: 0, duplicates: 0, backlog: 0, spilled: 0, failures: 0, batches: 0, lastBatchMs: 0, lastBatchSize: 0,
    databaseHealthy: true,
  }
  let backlogFromEarlierRuns = o.journal.leftOver.length > 0

  function seal() {
    if (open.length === 0 && openLosses.length === 0) return
    sealed.push({ segment: o.journal.seal(), clicks: open, losses: openLosses })
    inMemory += open.length
    open = []
    openLosses = []
    // Keep the oldest batch in memory (it is next to write); drop copies of newer ones to disk only.
    for (let i = sealed.length - 1; i > 0 && inMemory > o.bufferMax; i--) {
      const b = sealed[i]
      if (b.clicks) {
        inMemory -= b.clicks.length
        stats.spilled += b.clicks.length
        b.clicks = null
      }
    }
  }

  async function drainSealed() {
    while (sealed.length > 0) {
      const batch = sealed[0]
      const clicks = batch.clicks ?? o.journal.read(batch.segment)
      const started = performance.now()
      try {
        const { inserted } = await writeClickBatch(o.pool, clicks, batch.losses)
        stats.written += inserted
        stats.duplicates += clicks.length - inserted
        stats.batches++
        stats.lastBatchSize = clicks.length
        stats.lastBatchMs = performance.now() - started
      } catch (err) {
        stats.failures++
        if (stats.databaseHealthy) o.log.warn({ err, backlog: backlog() }, 'click batch failed; will retry')
        stats.databaseHealthy = false
        retryAt = Date.now() + retryDelay
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS)
        return
      }
      o.journal.remove(batch.segment)
      sealed.shift()
      if (batch.clicks) inMemory -= batch.clicks.length
      if (!stats.databaseHealthy) o.log.info({ backlog: backlog() }, 'click writes resumed')
      stats.databaseHealthy = true
      retryDelay = 100
      o.log.debug({ rows: clicks.length, ms: Math.round(stats.lastBatchMs), backlog: backlog() }, 'click batch flushed')
      await o.afterWrite?.().catch(() => {})
    }
    backlogFromEarlierRuns = false
  }

  /** Seals what is open and writes every sealed batch; one drain in flight at a time. */
  function flush(): Promise<void> {
    seal()
    if (draining) return draining
    if (Date.now() < retryAt) return Promise.resolve()
    draining = drainSealed().finally(() => (draining = null))
    return draining
  }

  function backlog() {
    let n = open.length
    for (const b of sealed) n += b.clicks ? b.clicks.length : 0
    return n
  }

  const timer = setInterval(() => void flush(), o.flushMs)
  timer.unref()

  return {
    /** Synchronous: journal first (survives a crash), then memory. Never waits on the database. */
    record(click: ClickRecord) {
      o.journal.append(click)
      open.push(click)
      stats.captured++
      if (open.length >= o.batchSize) void flush()
    },
    recordLoss(linkId: string, at: number, reason: LossReason) {
      openLosses.push({ linkId, at, reason })
    },
    flush,
    stats(): ClickWriterStats {
      return { ...stats, backlog: backlog() }
    },
    /** Batches waiting on disk only (spilled or left by an earlier run). */
    spooledBatches: () => sealed.filter((b) => b.clicks === null).length,
    hasBacklogFromEarlierRuns: () => backlogFromEarlierRuns,
    /** Flushes until everything is written or the deadline passes; what remains stays in the journal for the next start. */
    async close(deadlineMs = 10_000) {
      clearInterval(timer)
      const deadline = Date.now() + deadlineMs
      await flush()
      while (sealed.length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, Math.max(0, Math.min(retryAt - Date.now(), deadline - Date.now()))))
        await flush()
      }
      if (sealed.length > 0) o.log.error({ batches: sealed.length }, 'database unreachable at shutdown; clicks kept in the journal for the next start')
      o.journal.close()
    },
  }
}

export type ClickWriter = ReturnType<typeof createClickWriter>
