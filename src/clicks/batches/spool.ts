import type { Journal, Segment } from '../journal/journal.ts'
import type { Unjournaled } from '../journal/journal-gate.ts'
import type { EventKind } from './event-kind.ts'
import type { OpenBatch } from './open-batch.ts'

/**
 * A batch waiting for Postgres. Its events are in its journal segment, and only there: the heap holds
 * its summary while it is fresh (never sent, within the memory bound), what the kind keeps until it
 * commits and, if the disk refused a write, those rows and side lines themselves (`unjournaled`).
 */
export type SealedBatch<Summary, Kept> = {
  readonly segment: Segment
  readonly count: number
  readonly kept: Kept
  readonly unjournaled: readonly Unjournaled[] | null
  /** A write to this segment failed (or it is from an earlier run): read it back keeping whole rows only. */
  readonly damaged: boolean
  /** Set while fresh; careful() below is the only thing that drops it. */
  summary: Summary | null
}

export type Spool<S, K> = ReturnType<typeof createSpool<S, K>>

/**
 * The sealed batches, oldest first, and the one place that decides whether a batch is written fresh
 * (its summary counted in memory) or the careful way (skipping events Postgres already has). A batch goes
 * the careful way when it comes from an earlier run, its segment was damaged, it went beyond the memory
 * bound (`bufferMax` events whose summaries are held), or a write of it failed (it may have committed).
 */
export function createSpool<S, K>(
  kind: EventKind<S, K>,
  journal: Pick<Journal, 'leftOver' | 'read'>,
  bufferMax: number,
) {
  // Segments left by an earlier run come first: they are older events.
  const sealed: SealedBatch<S, K>[] = journal.leftOver.map((segment) => ({
    segment,
    count: journal.read(segment).count,
    kept: kind.newKept(),
    unjournaled: null,
    damaged: true,
    summary: null,
  }))
  // Events of sealed batches whose summaries are held in memory.
  let inMemory = 0
  let spilled = 0

  /** From now on the batch is written the careful way; its summary is dropped. */
  function careful(batch: SealedBatch<S, K>) {
    if (batch.summary === null) return
    inMemory -= batch.count
    batch.summary = null
  }

  return {
    /** Seals the open batch as its journal segment; a damaged segment may hold some rows twice (on disk and in memory). */
    seal(open: OpenBatch<S, K>, segment: Segment, damaged: boolean) {
      const batch: SealedBatch<S, K> = {
        segment,
        count: open.count,
        kept: open.kept,
        unjournaled: open.unjournaled,
        damaged,
        summary: open.summary,
      }
      sealed.push(batch)
      inMemory += batch.count
      if (damaged) careful(batch)
      // Keep the oldest batch's summary (it is next to write); newer batches beyond the bound go the careful way.
      for (let i = sealed.length - 1; i > 0 && inMemory > bufferMax; i--) {
        if (sealed[i].summary === null) continue
        spilled += sealed[i].count
        careful(sealed[i])
      }
    },
    careful,
    /** The next batch to write. */
    head: (): SealedBatch<S, K> | undefined => sealed[0],
    /** The head batch is done with: committed, or set aside. */
    shift() {
      const batch = sealed.shift()
      if (batch) careful(batch)
    },
    get length() {
      return sealed.length
    },
    /** Events of sealed batches. */
    backlog() {
      let n = 0
      for (const b of sealed) n += b.count
      return n
    },
    /** Of the backlog, events of batches written the careful way: on disk only. */
    spooled() {
      let n = 0
      for (const b of sealed) if (b.summary === null) n += b.count
      return n
    },
    spooledBatches: () => sealed.filter((b) => b.summary === null).length,
    /** Events whose batch went beyond the memory bound (it waited on disk only). */
    spilled: () => spilled,
  }
}
