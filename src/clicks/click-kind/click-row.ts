import {
  asciiField,
  type FieldFits,
  fits,
  int8Field,
  int2Field,
  int8HalvesField,
  nullField,
  rowEnd,
  rowStart,
  timestampField,
  utf8Field,
} from '../journal/copy-row.ts'
import { MAX_CITY_BYTES } from '../capture/country-lookup.ts'
import { COPY_BINARY_HEADER } from '../journal/row-codec.ts'

export { COPY_BINARY_HEADER }

/**
 * A click as one row of Postgres' binary COPY format, in CLICK_COLUMNS order. The journal stores these
 * rows and the writer streams them to Postgres as they are: a click is encoded once, at capture, with no
 * text to build (ids, times and hashes go as 8-byte integers Postgres does not parse).
 */
export const CLICK_COLUMNS = [
  'id',
  'link_id',
  'clicked_at',
  'verdict_id',
  'visitor',
  'language',
  'country',
  'rule',
  'region',
  'city',
] as const
/**
 * The field counts of rows older processes journalled: 7 before clicks had a rule (migration 026), 8 before
 * region and city (041). A segment left by one is COPYed with CLICK_COLUMNS' first that many columns, and its
 * clicks have none of the rest.
 */
export const OLDER_FIELD_COUNTS = [7, 8] as const
/** The columns a row of `fields` fields carries, in order. */
export const clickColumnsOf = (fields: number): readonly string[] =>
  (OLDER_FIELD_COUNTS as readonly number[]).includes(fields) ? CLICK_COLUMNS.slice(0, fields) : CLICK_COLUMNS

/** Longest language tag kept (RFC 5646's minimum buffer size); capture drops longer ones. */
export const MAX_LANGUAGE = 35
/** Longest region kept: an ISO 3166-2 subdivision code without its country. */
export const MAX_REGION = 3
/** A row's bytes at most: field count, five 8-byte fields, language, country, rule, region and city, each with its length. */
export const MAX_CLICK_ROW_BYTES = 2 + 5 * 12 + 4 + MAX_LANGUAGE + 4 + 2 + 4 + 2 + 4 + MAX_REGION + 4 + MAX_CITY_BYTES

const FIELDS = CLICK_COLUMNS.length
const POSTGRES_EPOCH_MS = 946_684_800_000

/** Writes one click row at `at` (room for MAX_CLICK_ROW_BYTES is the caller's); returns where it ends. */
export function writeClickRow(
  buf: Uint8Array,
  at: number,
  id: number,
  linkId: number,
  clickedAtMs: number,
  verdictHigh: number,
  verdictLow: number,
  visitor: number | null,
  language: string | null,
  country: string | null,
  rule: number | null = null,
  region: string | null = null,
  city: string | null = null,
): number {
  at = rowStart(buf, at, FIELDS)
  at = int8Field(buf, at, id)
  at = int8Field(buf, at, linkId)
  at = timestampField(buf, at, clickedAtMs)
  at = int8HalvesField(buf, at, verdictHigh, verdictLow)
  at = int8Field(buf, at, visitor)
  at = asciiField(buf, at, language, MAX_LANGUAGE)
  at = asciiField(buf, at, country, 2)
  at = rule === null ? nullField(buf, at) : int2Field(buf, at, rule)
  at = asciiField(buf, at, region, MAX_REGION)
  return utf8Field(buf, at, city, MAX_CITY_BYTES)
}

/** The field count of the first row of binary COPY data from `from`: fewer for a segment an older process journalled. */
export const fieldCountAt = (buf: Buffer, from = COPY_BINARY_HEADER.length) =>
  buf.length >= from + 2 ? buf.readInt16BE(from) : FIELDS

export type DecodedClickRow = {
  id: number
  linkId: number
  at: number
  /** click_verdicts.id, as decimal text (64 bits do not fit a JS number). */
  verdictId: string
  visitor: number | null
  language: string | null
  country: string | null
  /** Null for a link without rules, and in rows journalled before rules. */
  rule: number | null
  /** Null when the IP database named none, and in rows journalled before places. */
  region: string | null
  city: string | null
}

// The lengths each field may have (-1 is NULL): id, link, time and verdict, then visitor, language, country,
// rule, region and city.
const FIELD_FITS: FieldFits = [
  fits.int8(false),
  fits.int8(false),
  fits.int8(false),
  fits.int8(false),
  fits.int8(true),
  fits.text(MAX_LANGUAGE, true),
  fits.int2(true), // a country code's two letters
  fits.int2(true), // the rule's index
  fits.text(MAX_REGION, true),
  fits.text(MAX_CITY_BYTES, true),
]
const OLDER_FIELD_FITS = OLDER_FIELD_COUNTS.map((n) => FIELD_FITS.slice(0, n))

/** Where the click row (of today's or an older process) starting at `start` ends, or -1. */
const clickRowEnd = (buf: Buffer, start: number): number => {
  const end = rowEnd(buf, start, FIELD_FITS)
  if (end !== -1) return end
  for (const fits of OLDER_FIELD_FITS) {
    const older = rowEnd(buf, start, fits)
    if (older !== -1) return older
  }
  return -1
}

/**
 * How many whole click rows binary COPY data holds from `from` (after the header), and where the last one
 * ends: a row cut short ends the scan, and so does anything that is not a click row.
 */
export function scanClickRows(buf: Buffer, from = COPY_BINARY_HEADER.length): { count: number; end: number } {
  let count = 0
  let at = from
  for (let end = clickRowEnd(buf, at); end !== -1; end = clickRowEnd(buf, at)) {
    count++
    at = end
  }
  return { count, end: at }
}

/** The whole rows scanClickRows finds, decoded (for tests and tools; the writer never decodes its rows). */
export function decodeClickRows(
  buf: Buffer,
  from = COPY_BINARY_HEADER.length,
): { rows: DecodedClickRow[]; end: number } {
  const rows: DecodedClickRow[] = []
  let at = from
  for (let end = clickRowEnd(buf, at); end !== -1; end = clickRowEnd(buf, at)) {
    const fields: (Buffer | null)[] = []
    const count = buf.readInt16BE(at)
    for (let f = at + 2, i = 0; i < count; i++) {
      const length = buf.readInt32BE(f)
      fields.push(length === -1 ? null : buf.subarray(f + 4, f + 4 + length))
      f += 4 + Math.max(0, length)
    }
    const [id, linkId, clickedAt, verdictId, visitor, language, country, rule, region, city] = fields
    const int8 = (field: Buffer | null) => {
      if (!field) throw new Error('a click row without its id, link, time or verdict')
      return field.readBigInt64BE(0)
    }
    rows.push({
      id: Number(int8(id)),
      linkId: Number(int8(linkId)),
      at: Number(int8(clickedAt)) / 1000 + POSTGRES_EPOCH_MS,
      verdictId: int8(verdictId).toString(),
      visitor: visitor && Number(int8(visitor)),
      language: language?.toString('latin1') ?? null,
      country: country?.toString('latin1') ?? null,
      rule: rule ? rule.readInt16BE(0) : null,
      region: region?.toString('latin1') ?? null,
      city: city?.toString('utf8') ?? null,
    })
    at = end
  }
  return { rows, end: at }
}
