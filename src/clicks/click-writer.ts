import type { FastifyBaseLogger } from 'fastify'
import { createBatchRollups, type BatchRollups } from './batch-rollups.ts'
import type { ClickJournal, Segment } from './click-journal.ts'
import type { LossReason, LossRecord } from './click-record.ts'
import { MAX_CLICK_ROW_BYTES, scanClickRows, writeClickRow } from './click-row.ts'
import type { ClickVerdict } from './click-verdict.ts'
import type { CopyPayload } from '../infra/pg-copy-from.ts'
import type { WriteClickBatch } from './write-click-batch.ts'

const MAX_RETRY_DELAY_MS = 5_000
const TURN_BUFFER_BYTES = 64 * 1024

/**
 * A batch waiting for Postgres. Its clicks are in its journal segment, and only there: the heap holds
 * its rollups, counted as the clicks came (`rollups`, while the batch is fresh: never sent, within the
 * memory bound), the verdicts it lists and, if the disk refused a write, those rows and verdicts
 * themselves (`unjournaled`). A batch that failed once, went beyond the memory bound, hit a disk error
 * or comes from an earlier run is written the careful way, skipping clicks Postgres already has.
 */
type SealedBatch = {
  segment: Segment
  count: number
  losses: LossRecord[]
  rollups: BatchRollups | null
  verdicts: ClickVerdict[]
  unjournaled: { rows: Buffer[]; verdicts: string[] } | null
  /** A write to this segment failed (or it is from an earlier run): read it back keeping whole rows only. */
  damaged: boolean
}

export type ClickWriterOptions = {
  journal: ClickJournal
  writeBatch: WriteClickBatch
  log: FastifyBaseLogger
  batchSize: number
  flushMs: number
  /** Clicks whose batch rollups are kept in memory at most; batches beyond it are written the careful way. */
  bufferMax: number
  /** Runs after each committed batch (e.g. to prefetch the next id generation). */
  afterWrite?: () => Promise<void>
  /** Told about each committed batch, for the metrics. */
  onBatch?: (rows: number, seconds: number) => void
}

export type ClickWriterStats = {
  /** Clicks recorded (journaled, or at least held in memory when the journal refused them). */
  captured: number
  /** Journal writes: one per turn of the event loop that recorded clicks. */
  journalWrites: number
  written: number
  duplicates: number
  /** Clicks not yet written to Postgres. */
  backlog: number
  /** Of the backlog, clicks of batches beyond the memory bound or from an earlier run: on disk only. */
  spooled: number
  /** Clicks whose batch went beyond the memory bound (it waited on disk only). */
  spilled: number
  /** Clicks the journal could not take (disk full, I/O error): still written from memory unless the process dies. */
  unjournaled: number
  /** Clicks Postgres refused as bad data; their segment is moved to journal/rejected/. */
  rejected: number
  lossesRecorded: Record<LossReason, number>
  failures: number
  batches: number
  lastBatchMs: number
  lastBatchSize: number
  databaseHealthy: boolean
}

type Deferred = (a: any, b: any) => void

/**
 * The write buffer. A click is encoded once, at capture, as a binary COPY row in this turn's buffer; the
 * rows captured in one turn of the event loop are written to the journal with one write(2), and only then
 * are the responses of that turn released (afterJournalWrite), so every 302 that leaves has its click on
 * disk. Segments are sealed into batches by size or time and written one batch at a time, streamed from
 * the journal (the page cache) to Postgres as the COPY payload, so clicks never pile up in the heap; a
 * failed batch is retried with backoff, never dropped.
 */
export function createClickWriter(o: ClickWriterOptions) {
  let turn = Buffer.allocUnsafeSlow(TURN_BUFFER_BYTES)
  let turnBytes = 0
  let turnCount = 0
  let turnVerdicts = ''
  let turnScheduled = false
  // Flat triples (fn, a, b): no closure per request.
  let deferred: unknown[] = []
  // The open batch: its number (verdicts remember the batch that lists them), clicks, losses, rollups, verdicts.
  let openNumber = 0
  let openCount = 0
  let openLosses: LossRecord[] = []
  let openRollups = createBatchRollups()
  let openVerdicts: ClickVerdict[] = []
  let openUnjournaled: SealedBatch['unjournaled'] = null
  // Segments left by an earlier run come first: they are older clicks.
  const sealed: SealedBatch[] = o.journal.leftOver.map((segment) => ({
    segment,
    count: o.journal.read(segment).count,
    losses: [],
    rollups: null,
    verdicts: [],
    unjournaled: null,
    damaged: true,
  }))
  // Clicks of sealed batches whose rollups are held in memory.
  let inMemory = 0
  let draining: Promise<void> | null = null
  let retryAt = 0
  let retryDelay = 100
  let closed = false
  const stats: ClickWriterStats = {
    captured: 0, journalWrites: 0, written: 0, duplicates: 0, backlog: 0, spooled: 0, spilled: 0, unjournaled: 0, rejected: 0,
    lossesRecorded: { head: 0, prefetch: 0 }, failures: 0, batches: 0, lastBatchMs: 0, lastBatchSize: 0, databaseHealthy: true,
  }
  let backlogFromEarlierRuns = sealed.length > 0

  /** Journals this turn's verdicts and rows, then lets this turn's responses go. */
  function writeTurn() {
    turnScheduled = false
    const count = turnCount
    let damaged = false
    if (count > 0) {
      openCount += count
      stats.captured += count
      stats.journalWrites++
      try {
        o.journal.write(turn, turnBytes, turnVerdicts)
      } catch (err) {
        // Keep redirecting: the clicks are kept in memory and written unless the process dies too.
        stats.unjournaled += count
        o.log.error({ err, clicks: count }, 'click journal write failed')
        openUnjournaled ??= { rows: [], verdicts: [] }
        openUnjournaled.rows.push(Buffer.from(turn.subarray(0, turnBytes)))
        openUnjournaled.verdicts.push(turnVerdicts)
        damaged = true
      }
    }
    turnBytes = 0
    turnCount = 0
    turnVerdicts = ''
    const release = deferred
    deferred = []
    for (let i = 0; i < release.length; i += 3) {
      try {
        ;(release[i] as Deferred)(release[i + 1], release[i + 2])
      } catch (err) {
        o.log.error({ err }, 'sending a response after the journal write failed')
      }
    }
    // A failed write may have left part of a row: the next rows go to a new segment, not after it.
    if (damaged) seal(true)
    if (openCount >= o.batchSize) {
      seal()
      if (Date.now() >= retryAt) void drain()
    }
  }

  function seal(damaged = false) {
    if (openCount === 0 && openLosses.length === 0) return
    sealed.push({
      segment: o.journal.seal(),
      count: openCount,
      losses: openLosses,
      // A damaged segment may hold some rows twice (on disk and in memory): the careful way skips repeats.
      rollups: damaged ? null : openRollups,
      verdicts: openVerdicts,
      unjournaled: openUnjournaled,
      damaged,
    })
    if (!damaged) inMemory += openCount
    openNumber++
    openCount = 0
    openLosses = []
    openRollups = createBatchRollups()
    openVerdicts = []
    openUnjournaled = null
    // Keep the oldest batch's rollups (it is next to write); newer batches beyond the bound go the careful way.
    for (let i = sealed.length - 1; i > 0 && inMemory > o.bufferMax; i--) {
      const b = sealed[i]
      if (b.rollups) {
        inMemory -= b.count
        stats.spilled += b.count
        b.rollups = null
      }
    }
  }

  /**
   * The batch's clicks as COPY data, and its verdicts as COPY text lines: the segment's rows as written,
   * or its whole rows if it was damaged, then whatever the disk did not take.
   */
  function payload(batch: SealedBatch): { rows: CopyPayload; verdicts: string; count: number } {
    if (!batch.damaged) {
      // Keeping up (nothing queued behind it): spread it over half a flush interval, so Postgres never
      // holds a CPU for long. Behind, send at full speed.
      const keepingUp = sealed.length === 1
      return {
        rows: { file: o.journal.rowsFile(batch.segment), chunks: [], spreadOverMs: keepingUp ? o.flushMs / 2 : 0 },
        verdicts: batch.verdicts.map((v) => v.line).join(''),
        count: batch.count,
      }
    }
    const fromDisk = o.journal.read(batch.segment)
    if (fromDisk.discarded > 0) o.log.warn({ segment: batch.segment, discarded: fromDisk.discarded }, 'partial journal rows skipped')
    const kept = batch.unjournaled ?? { rows: [], verdicts: [] }
    let count = fromDisk.count
    for (const chunk of kept.rows) count += scanClickRows(chunk, 0).count
    return { rows: { file: null, chunks: [fromDisk.rows, ...kept.rows] }, verdicts: fromDisk.verdicts + kept.verdicts.join(''), count }
  }

  async function drainSealed() {
    while (sealed.length > 0) {
      const batch = sealed[0]
      const started = performance.now()
      let count = batch.count
      try {
        const sent = payload(batch)
        count = sent.count
        const { inserted } = await o.writeBatch({ rows: sent.rows, verdicts: sent.verdicts, count, losses: batch.losses, rollups: batch.rollups })
        stats.written += inserted
        stats.duplicates += count - inserted
        stats.batches++
        stats.lastBatchSize = count
        stats.lastBatchMs = performance.now() - started
        o.onBatch?.(count, stats.lastBatchMs / 1000)
      } catch (err) {
        // Whether it committed is unknown (the connection may have died after COMMIT): from now on
        // the batch goes the careful way, which skips what is already there.
        const wasFresh = batch.rollups !== null
        if (wasFresh) inMemory -= batch.count
        batch.rollups = null
        if (!wasFresh && isBadData(err)) {
          // Retrying cannot help and would block every batch behind it: set it aside, loudly.
          const path = o.journal.quarantine(batch.segment)
          stats.rejected += count
          o.log.error({ err, clicks: count, path }, 'Postgres refused a click batch as bad data; moved aside')
          sealed.shift()
          continue
        }
        stats.failures++
        if (stats.databaseHealthy) o.log.warn({ err, backlog: backlog() }, 'click batch failed; will retry')
        stats.databaseHealthy = false
        retryAt = Date.now() + retryDelay
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS)
        return
      }
      // Postgres has these verdicts now: later batches need not send them again.
      for (const v of batch.verdicts) v.stored = true
      o.journal.remove(batch.segment)
      sealed.shift()
      if (batch.rollups) inMemory -= batch.count
      if (!stats.databaseHealthy) o.log.info({ backlog: backlog() }, 'click writes resumed')
      stats.databaseHealthy = true
      retryAt = 0
      retryDelay = 100
      o.log.debug({ rows: count, ms: Math.round(stats.lastBatchMs), backlog: backlog() }, 'click batch flushed')
      await o.afterWrite?.().catch(() => {})
    }
    backlogFromEarlierRuns = false
  }

  /** Writes every sealed batch; one drain in flight at a time. */
  function drain(): Promise<void> {
    if (draining) return draining
    if (sealed.length === 0) return Promise.resolve()
    draining = drainSealed().finally(() => (draining = null))
    return draining
  }

  /** Seals what is open and writes every sealed batch (unless waiting out a retry delay). */
  function flush(): Promise<void> {
    if (turnScheduled) writeTurn()
    seal()
    if (Date.now() < retryAt) return draining ?? Promise.resolve()
    return drain()
  }

  function backlog() {
    let n = turnCount + openCount
    for (const b of sealed) n += b.count
    return n
  }

  // While a batch is being written, or Postgres is failing, the open batch keeps filling (up to batchSize)
  // rather than sealing a small one every tick: batches grow with the database's latency, and so fewer
  // rollup rows are upserted per click exactly when Postgres is the bottleneck.
  const timer = setInterval(() => {
    if (draining === null && Date.now() >= retryAt) void flush()
  }, o.flushMs)
  timer.unref()

  function growTurnBuffer() {
    const bigger = Buffer.allocUnsafeSlow(turn.length * 2)
    turn.copy(bigger, 0, 0, turnBytes)
    turn = bigger
  }

  return {
    /**
     * Synchronous: the click's row joins this turn's journal write; nothing waits on the database. `linkId`
     * is the link's id as the rollups count it (text), `linkNumber` the same id as a number, for the row.
     */
    recordClick(
      id: number, linkId: string, linkNumber: number, at: number, verdict: ClickVerdict,
      visitor: number | null, language: string | null, country: string | null,
    ) {
      if (turnBytes + MAX_CLICK_ROW_BYTES > turn.length) growTurnBuffer()
      turnBytes = writeClickRow(turn, turnBytes, id, linkNumber, at, verdict.idHigh, verdict.idLow, visitor, language, country)
      // A batch lists every verdict it uses that Postgres may not have: replayed alone, it is complete.
      if (!verdict.stored && verdict.listedIn !== openNumber) {
        verdict.listedIn = openNumber
        openVerdicts.push(verdict)
        turnVerdicts += verdict.line
      }
      openRollups.add(linkId, at, visitor, verdict.label)
      turnCount++
      if (!turnScheduled) {
        turnScheduled = true
        setImmediate(writeTurn)
      }
    },
    /**
     * Calls send(a, b) once the clicks recorded so far are in the journal: at the end of this turn of the
     * event loop, or now if none is waiting. The redirect sends its 302 this way.
     */
    afterJournalWrite<A, B>(send: (a: A, b: B) => void, a: A, b: B) {
      if (!turnScheduled || closed) return send(a, b)
      deferred.push(send, a, b)
    },
    recordLoss(linkId: string, at: number, reason: LossReason) {
      openLosses.push({ linkId, at, reason })
      stats.lossesRecorded[reason]++
    },
    flush,
    stats(): ClickWriterStats {
      let spooled = 0
      for (const b of sealed) if (!b.rollups) spooled += b.count
      return { ...stats, lossesRecorded: { ...stats.lossesRecorded }, backlog: backlog(), spooled }
    },
    /** Batches beyond the memory bound or left by an earlier run (on disk only, written the careful way). */
    spooledBatches: () => sealed.filter((b) => b.rollups === null).length,
    hasBacklogFromEarlierRuns: () => backlogFromEarlierRuns,
    /** Flushes until everything is written or the deadline passes; what remains stays in the journal for the next start. */
    async close(deadlineMs = 10_000) {
      clearInterval(timer)
      if (turnScheduled) writeTurn()
      closed = true
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

/** Postgres SQLSTATE classes 22 (data exception) and 23 (integrity violation): the batch itself is wrong. */
function isBadData(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && /^2[23]/.test(code)
}

export type ClickWriter = ReturnType<typeof createClickWriter>
