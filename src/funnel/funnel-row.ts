import { COPY_BINARY_HEADER } from '../clicks/journal/row-codec.ts'
import type { FunnelEvent } from './funnel-event.ts'

/**
 * A funnel event as one row of Postgres' binary COPY format, in FUNNEL_COLUMNS order: encoded once, when
 * the beacon is recorded; the journal keeps these rows and the drain streams them to Postgres as they are.
 */
export const FUNNEL_COLUMNS = [
  'id',
  'content_id',
  'at',
  'type',
  'channel',
  'medium',
  'app',
  'visibility',
  'source',
  'generation',
  'link_id',
  'token',
  'parent_token',
] as const

const FIELDS = FUNNEL_COLUMNS.length
/** Longest text kept in a field: ids, labels and tokens are short ASCII words. */
export const MAX_FIELD_TEXT = 64
const INT8_FIELDS = 4 // id, content_id, at, link_id
const TEXT_FIELDS = 8
export const MAX_FUNNEL_ROW_BYTES = 2 + INT8_FIELDS * 12 + (4 + 2) + TEXT_FIELDS * (4 + MAX_FIELD_TEXT)

const POSTGRES_EPOCH_MS = 946_684_800_000
const TWO_32 = 4294967296

function u32(buf: Uint8Array, at: number, v: number) {
  buf[at] = v >>> 24
  buf[at + 1] = v >>> 16
  buf[at + 2] = v >>> 8
  buf[at + 3] = v
}

function int8Field(buf: Uint8Array, at: number, v: number | null): number {
  if (v === null) {
    u32(buf, at, 0xffffffff)
    return at + 4
  }
  const high = Math.floor(v / TWO_32)
  u32(buf, at, 8)
  u32(buf, at + 4, high)
  u32(buf, at + 8, v - high * TWO_32)
  return at + 12
}

/** Printable ASCII only (the schemas and the classifier hand out ids and labels), cut at MAX_FIELD_TEXT. */
function textField(buf: Uint8Array, at: number, s: string | null): number {
  if (s === null) {
    u32(buf, at, 0xffffffff)
    return at + 4
  }
  const n = Math.min(s.length, MAX_FIELD_TEXT)
  u32(buf, at, n)
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    buf[at + 4 + i] = c >= 0x20 && c < 0x7f ? c : 0x3f
  }
  return at + 4 + n
}

/** Writes one event row at `at` (room for MAX_FUNNEL_ROW_BYTES is the caller's); returns where it ends. */
export function writeFunnelRow(buf: Uint8Array, at: number, e: FunnelEvent): number {
  buf[at] = 0
  buf[at + 1] = FIELDS
  at = int8Field(buf, at + 2, e.id)
  at = int8Field(buf, at, Number(e.contentId))
  at = int8Field(buf, at, (e.at - POSTGRES_EPOCH_MS) * 1000)
  at = textField(buf, at, e.type)
  if (e.type === 'share') {
    at = textField(buf, at, e.channel)
    for (let i = 0; i < 4; i++) at = textField(buf, at, null)
    u32(buf, at, 0xffffffff)
    at += 4
    at = int8Field(buf, at, null)
    at = textField(buf, at, null)
    return textField(buf, at, null)
  }
  at = textField(buf, at, null)
  at = textField(buf, at, e.medium)
  at = textField(buf, at, e.app)
  at = textField(buf, at, e.visibility)
  at = textField(buf, at, e.source)
  u32(buf, at, 2)
  buf[at + 4] = e.generation >>> 8
  buf[at + 5] = e.generation & 0xff
  at += 6
  at = int8Field(buf, at, e.linkId === null ? null : Number(e.linkId))
  at = textField(buf, at, e.token)
  return textField(buf, at, e.parentToken)
}

// The lengths each field may have (-1 is NULL), in column order.
const int8 = (nullable: boolean) => (n: number) => n === 8 || (nullable && n === -1)
const text = (nullable: boolean) => (n: number) => (n >= 0 && n <= MAX_FIELD_TEXT) || (nullable && n === -1)
const FIELD_FITS: ((length: number) => boolean)[] = [
  int8(false),
  int8(false),
  int8(false),
  text(false),
  text(true),
  text(true),
  text(true),
  text(true),
  text(true),
  (n) => n === 2 || n === -1,
  int8(true),
  text(true),
  text(true),
]

function rowEnd(buf: Buffer, start: number): number {
  let at = start
  if (at + 2 > buf.length || buf.readInt16BE(at) !== FIELDS) return -1
  at += 2
  for (let i = 0; i < FIELDS; i++) {
    if (at + 4 > buf.length) return -1
    const length = buf.readInt32BE(at)
    at += 4
    if (!FIELD_FITS[i](length) || at + Math.max(0, length) > buf.length) return -1
    at += Math.max(0, length)
  }
  return at
}

/** How many whole funnel rows binary COPY data holds from `from`, and where the last one ends (a torn row ends the scan). */
export function scanFunnelRows(buf: Buffer, from = COPY_BINARY_HEADER.length): { count: number; end: number } {
  let count = 0
  let at = from
  for (let end = rowEnd(buf, at); end !== -1; end = rowEnd(buf, at)) {
    count++
    at = end
  }
  return { count, end: at }
}
