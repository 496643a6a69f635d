import type { Journal } from '../journal/journal.ts'
import { createJournalGate, type Unjournaled } from '../journal/journal-gate.ts'
import { createDrain, type DrainOptions, type DrainStats } from './drain.ts'
import type { EventKind } from './event-kind.ts'
import { openBatch } from './open-batch.ts'
import { createSpool } from './spool.ts'

export type EventPipelineOptions = DrainOptions & {
  journal: Journal
  /** Events per batch at most; a batch is sealed sooner, every flushMs, unless one is being written. */
  batchSize: number
  /** Events whose batch summaries are kept in memory at most; batches beyond it are written the careful way. */
  bufferMax: number
}

export type EventPipelineStats = DrainStats & {
  /** Events recorded (journaled, or at least held in memory when the journal refused them). */
  captured: number
  /** Journal writes: one per turn of the event loop that recorded events. */
  journalWrites: number
  /** Events not yet written to Postgres. */
  backlog: number
  /** Of the backlog, events of batches beyond the memory bound or from an earlier run: on disk only. */
  spooled: number
  /** Events whose batch went beyond the memory bound (it waited on disk only). */
  spilled: number
  /** Events the journal could not take (disk full, I/O error): still written from memory unless the process dies. */
  unjournaled: number
}

export type EventPipeline<S, K> = ReturnType<typeof createEventPipeline<S, K>>

/**
 * One kind of event from request to Postgres: the journal gate (rows on disk before responses go), the
 * open batch, the spool of sealed batches with its memory bound, and the drain with retry and shutdown.
 * The kind's recorder writes each row into `gate` and counts it into `open()`; everything else is here.
 */
export function createEventPipeline<S, K>(kind: EventKind<S, K>, o: EventPipelineOptions) {
  const spool = createSpool(kind, o.journal, o.bufferMax)
  const drain = createDrain(kind, spool, o.journal, o)
  let open = openBatch(kind, 0)
  let captured = 0
  let journalWrites = 0
  let unjournaled = 0

  function onTurn(count: number, refused: Unjournaled | null) {
    if (count === 0) return
    open.count += count
    captured += count
    journalWrites++
    if (refused) {
      unjournaled += count
      open.unjournaled ??= []
      open.unjournaled.push(refused)
      // A failed write may have left part of a row: the next rows go to a new segment, not after it.
      seal(true)
    }
    if (open.count >= o.batchSize) {
      seal()
      if (!drain.waiting()) void drain.drain()
    }
  }
  const gate = createJournalGate({ journal: o.journal, log: o.log, maxRowBytes: kind.maxRowBytes, onTurn })

  function seal(damaged = false) {
    if (open.count === 0 && !kind.keepsAnything(open.kept)) return
    spool.seal(open, o.journal.seal(), damaged)
    open = openBatch(kind, open.number + 1)
  }

  /** Seals what is open and writes every sealed batch (unless waiting out a retry delay). */
  function flush(): Promise<void> {
    gate.flush()
    seal()
    if (drain.waiting()) return drain.inFlight() ?? Promise.resolve()
    return drain.drain()
  }

  // While a batch is being written, or Postgres is failing, the open batch keeps filling (up to batchSize)
  // rather than sealing a small one every tick: batches grow with the database's latency, and so fewer
  // summary rows are upserted per event exactly when Postgres is the bottleneck.
  const timer = setInterval(() => {
    if (drain.inFlight() === null && !drain.waiting()) void flush()
  }, o.flushMs)
  timer.unref()

  return {
    gate: { room: gate.room, at: gate.at, append: gate.append, afterWrite: gate.afterWrite },
    /** The batch events join now (replaced when it is sealed). */
    open: () => open,
    flush,
    stats(): EventPipelineStats {
      const backlog = gate.pending() + open.count + spool.backlog()
      return {
        ...drain.stats,
        captured,
        journalWrites,
        unjournaled,
        backlog,
        spooled: spool.spooled(),
        spilled: spool.spilled(),
      }
    },
    /** Batches beyond the memory bound or left by an earlier run (on disk only, written the careful way). */
    spooledBatches: spool.spooledBatches,
    hasBacklogFromEarlierRuns: () => !drain.leftOverWritten(),
    /** Flushes until everything is written or the deadline passes; what remains stays in the journal for the next start. */
    async close(deadlineMs = 10_000) {
      clearInterval(timer)
      gate.close()
      const deadline = Date.now() + deadlineMs
      await flush()
      while (spool.length > 0 && Date.now() < deadline) {
        await new Promise((r) =>
          setTimeout(r, Math.max(0, Math.min(drain.retryAt() - Date.now(), deadline - Date.now()))),
        )
        await flush()
      }
      if (spool.length > 0)
        o.log.error(
          { batches: spool.length },
          `database unreachable at shutdown; ${kind.name} events kept in the journal for the next start`,
        )
      o.journal.close()
    },
  }
}
