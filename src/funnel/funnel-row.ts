import {
  asciiField,
  type FieldFits,
  fits,
  int2Field,
  int8Field,
  nullField,
  rowScanner,
  rowStart,
  timestampField,
} from '../clicks/journal/copy-row.ts'
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

/** Longest text kept in a field: ids, labels and tokens are short ASCII words. */
export const MAX_FIELD_TEXT = 64
const INT8_FIELDS = 4 // id, content_id, at, link_id
const TEXT_FIELDS = 8
export const MAX_FUNNEL_ROW_BYTES = 2 + INT8_FIELDS * 12 + (4 + 2) + TEXT_FIELDS * (4 + MAX_FIELD_TEXT)

const text = (buf: Uint8Array, at: number, s: string | null) => asciiField(buf, at, s, MAX_FIELD_TEXT)

/** Writes one event row at `at` (room for MAX_FUNNEL_ROW_BYTES is the caller's); returns where it ends. */
export function writeFunnelRow(buf: Uint8Array, at: number, e: FunnelEvent): number {
  at = rowStart(buf, at, FUNNEL_COLUMNS.length)
  at = int8Field(buf, at, e.id)
  at = int8Field(buf, at, Number(e.contentId))
  at = timestampField(buf, at, e.at)
  at = text(buf, at, e.type)
  if (e.type === 'share') {
    at = text(buf, at, e.channel)
    for (let i = 0; i < 4; i++) at = nullField(buf, at) // medium, app, visibility, source
    at = nullField(buf, at) // generation
    at = nullField(buf, at) // link_id
    at = nullField(buf, at) // token
    return nullField(buf, at) // parent_token
  }
  at = nullField(buf, at) // channel
  at = text(buf, at, e.medium)
  at = text(buf, at, e.app)
  at = text(buf, at, e.visibility)
  at = text(buf, at, e.source)
  at = int2Field(buf, at, e.generation)
  at = int8Field(buf, at, e.linkId === null ? null : Number(e.linkId))
  at = text(buf, at, e.token)
  return text(buf, at, e.parentToken)
}

// The lengths each field may have (-1 is NULL), in column order.
const FIELD_FITS: FieldFits = [
  fits.int8(false),
  fits.int8(false),
  fits.int8(false),
  fits.text(MAX_FIELD_TEXT, false),
  ...Array.from({ length: 5 }, () => fits.text(MAX_FIELD_TEXT, true)), // channel, medium, app, visibility, source
  fits.int2(true),
  fits.int8(true),
  fits.text(MAX_FIELD_TEXT, true),
  fits.text(MAX_FIELD_TEXT, true),
]

/** How many whole funnel rows binary COPY data holds from `from`, and where the last one ends (a torn row ends the scan). */
export const scanFunnelRows = rowScanner(FIELD_FITS)
