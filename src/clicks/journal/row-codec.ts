/** What a binary COPY stream starts with: the PGCOPY signature, flags 0 and no header extension. */
export const COPY_BINARY_HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
])

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
