import { COPY_BINARY_HEADER } from './row-codec.ts'

/**
 * The field writers and the row scanner of Postgres' binary COPY format, shared by every event kind's row
 * (clicks in click-kind/click-row.ts, the share funnel's beacons in funnel/funnel-row.ts). A writer takes
 * the buffer and the offset, writes one field (its length, then its bytes) and returns where it ends.
 */

const POSTGRES_EPOCH_MS = 946_684_800_000
const TWO_32 = 4294967296
const NULL_LENGTH = 0xffffffff

/** A field's length, big-endian. */
export function u32(buf: Uint8Array, at: number, v: number) {
  buf[at] = v >>> 24
  buf[at + 1] = v >>> 16
  buf[at + 2] = v >>> 8
  buf[at + 3] = v
}

/** A row starts with its field count (int16). */
export function rowStart(buf: Uint8Array, at: number, fields: number): number {
  buf[at] = fields >>> 8
  buf[at + 1] = fields & 0xff
  return at + 2
}

export function nullField(buf: Uint8Array, at: number): number {
  u32(buf, at, NULL_LENGTH)
  return at + 4
}

/** An 8-byte field: a safe integer as a big-endian int64; null as NULL. */
export function int8Field(buf: Uint8Array, at: number, v: number | null): number {
  if (v === null) return nullField(buf, at)
  const high = Math.floor(v / TWO_32)
  u32(buf, at, 8)
  u32(buf, at + 4, high)
  u32(buf, at + 8, v - high * TWO_32)
  return at + 12
}

/** An 8-byte field given as its two 32-bit halves (a 64-bit hash a JS number cannot hold). */
export function int8HalvesField(buf: Uint8Array, at: number, high: number, low: number): number {
  u32(buf, at, 8)
  u32(buf, at + 4, high)
  u32(buf, at + 8, low)
  return at + 12
}

/** A timestamptz field: microseconds since 2000-01-01 UTC. */
export const timestampField = (buf: Uint8Array, at: number, ms: number): number =>
  int8Field(buf, at, (ms - POSTGRES_EPOCH_MS) * 1000)

export function int2Field(buf: Uint8Array, at: number, v: number): number {
  u32(buf, at, 2)
  buf[at + 4] = v >>> 8
  buf[at + 5] = v & 0xff
  return at + 6
}

/**
 * A short text field of printable ASCII (ids, labels, language tags): cut at `max` characters, any other
 * character written as '?', so the row never outgrows the room its kind reserved.
 */
export function asciiField(buf: Uint8Array, at: number, s: string | null, max: number): number {
  if (s === null) return nullField(buf, at)
  const n = Math.min(s.length, max)
  u32(buf, at, n)
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    buf[at + 4 + i] = c >= 0x20 && c < 0x7f ? c : 0x3f
  }
  return at + 4 + n
}

const utf8 = new TextEncoder()

/**
 * A text field in UTF-8 (names: a city), at most `maxBytes` long: longer text is cut at a whole character,
 * so the row never outgrows the room its kind reserved.
 */
export function utf8Field(buf: Uint8Array, at: number, s: string | null, maxBytes: number): number {
  if (s === null) return nullField(buf, at)
  const { written } = utf8.encodeInto(s, buf.subarray(at + 4, at + 4 + maxBytes))
  u32(buf, at, written)
  return at + 4 + written
}

/** Which lengths a field may have (-1 is NULL): how a scan tells a row of its kind from torn or foreign bytes. */
export type FieldFits = readonly ((length: number) => boolean)[]

export const fits = {
  int8: (nullable: boolean) => (n: number) => n === 8 || (nullable && n === -1),
  int2: (nullable: boolean) => (n: number) => n === 2 || (nullable && n === -1),
  text: (max: number, nullable: boolean) => (n: number) => (n >= 0 && n <= max) || (nullable && n === -1),
}

/** Where the row starting at `start` ends, or -1 when no whole row of these fields starts there. */
export function rowEnd(buf: Buffer, start: number, fields: FieldFits): number {
  let at = start
  if (at + 2 > buf.length || buf.readInt16BE(at) !== fields.length) return -1
  at += 2
  for (let i = 0; i < fields.length; i++) {
    if (at + 4 > buf.length) return -1
    const length = buf.readInt32BE(at)
    at += 4
    if (!fields[i](length) || at + Math.max(0, length) > buf.length) return -1
    at += Math.max(0, length)
  }
  return at
}

/**
 * A kind's row scan: how many whole rows binary COPY data holds from `from` (after the header), and where
 * the last one ends. A row cut short (the process died mid-write, the disk filled up) ends the scan, and
 * so does anything that is not a row of these fields.
 */
export function rowScanner(fields: FieldFits) {
  return (buf: Buffer, from = COPY_BINARY_HEADER.length): { count: number; end: number } => {
    let count = 0
    let at = from
    for (let end = rowEnd(buf, at, fields); end !== -1; end = rowEnd(buf, at, fields)) {
      count++
      at = end
    }
    return { count, end: at }
  }
}
