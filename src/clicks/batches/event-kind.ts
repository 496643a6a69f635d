import type { CopyPayload } from '../../infra/pg-copy-from.ts'
import type { RowCodec } from '../journal/row-codec.ts'

export type { RowCodec }

/**
 * One sealed batch as the drain hands it to the kind's writer: its rows as COPY data (a journal segment
 * streamed from disk, and/or rows kept in memory), its side lines, what the kind keeps in memory until
 * the batch commits, and — for a fresh batch only — its summary counted in memory as the events came.
 */
export type EventBatch<Summary, Kept> = {
  rows: CopyPayload
  side: string
  count: number
  kept: Kept
  /** null: the careful way (the batch may hold events Postgres already has); spool.ts decides. */
  summary: Summary | null
}

/**
 * A kind of event that goes journal → batches → drain → Postgres without its own copy of them: clicks
 * are the first (click-kind/click-kind.ts); a second kind (the share funnel's beacons) supplies a
 * descriptor of its own and gets the same durability, memory bound, retry and shutdown.
 */
export type EventKind<Summary, Kept> = RowCodec & {
  /** A fresh batch's summary (clicks: rollups counted in memory), filled by the kind's recorder. */
  newSummary(): Summary
  /** What a batch keeps in memory until it commits, fresh or careful (clicks: losses and the verdicts it lists). */
  newKept(): Kept
  /** A batch's side lines from what it keeps (an undamaged segment's are not read back from disk). */
  sideLinesOf(kept: Kept): string
  /** Whether a batch with no rows is still worth writing for what it keeps (clicks: HEAD and prefetch losses). */
  keepsAnything(kept: Kept): boolean
  /** Writes one batch in one transaction; `inserted` leaves out events Postgres already had (the careful way). */
  writeBatch(batch: EventBatch<Summary, Kept>): Promise<{ inserted: number }>
  /** Told once a batch committed. */
  committed(kept: Kept): void
}
