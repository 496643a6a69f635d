import type { CopyPayload } from '../../infra/pg-copy-from.ts'

/** What a binary COPY stream starts with: the PGCOPY signature, flags 0 and no header extension. */
export const COPY_BINARY_HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0])

/**
 * How the journal reads a kind's rows back: each event is one row of Postgres' binary COPY format,
 * encoded once when it is recorded. `side` names the text lines some rows depend on (a click's verdict),
 * written to the journal before the first row that uses them.
 */
export type RowCodec = {
  /** 'click': names the journal in errors and the pipeline in logs. */
  name: string
  /** A row's bytes at most: the room the journal gate makes before a row is written. */
  maxRowBytes: number
  /** How many whole rows binary COPY data holds from `from`, and where the last one ends. */
  scanRows(buf: Buffer, from: number): { count: number; end: number }
  side?: { extension: string; fields: number }
}

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
