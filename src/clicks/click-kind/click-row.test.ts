import { describe, expect, it } from 'vitest'
import { MAX_CITY_BYTES } from '../capture/country-lookup.ts'
import {
  CLICK_COLUMNS,
  clickColumnsOf,
  COPY_BINARY_HEADER,
  decodeClickRows,
  fieldCountAt,
  MAX_CLICK_ROW_BYTES,
  MAX_LANGUAGE,
  writeClickRow,
  type DecodedClickRow,
} from './click-row.ts'

// A verdict id's two words: 0xfedcba98_76543210 is the negative int8 -81985529216486896.
const VERDICT = { high: 0xfedcba98, low: 0x76543210, id: '-81985529216486896' }

function encode(...rows: Omit<DecodedClickRow, 'verdictId'>[]): Buffer {
  const buf = Buffer.alloc(COPY_BINARY_HEADER.length + rows.length * MAX_CLICK_ROW_BYTES)
  let end = COPY_BINARY_HEADER.copy(buf)
  for (const r of rows)
    end = writeClickRow(
      buf,
      end,
      r.id,
      r.linkId,
      r.at,
      VERDICT.high,
      VERDICT.low,
      r.visitor,
      r.language,
      r.country,
      r.rule,
      r.region,
      r.city,
    )
  return buf.subarray(0, end)
}

/** A row as an older process journalled it: the same bytes without the fields it did not have yet (all null). */
function olderRow(r: Omit<DecodedClickRow, 'verdictId'>, fields: 7 | 8): Buffer {
  const full = encode({ ...r, ...(fields === 7 && { rule: null }), region: null, city: null })
  const legacy = Buffer.from(full.subarray(0, full.length - 4 * (10 - fields)))
  legacy.writeInt16BE(fields, COPY_BINARY_HEADER.length)
  return legacy
}

const row = (r: Partial<DecodedClickRow> = {}): Omit<DecodedClickRow, 'verdictId'> => ({
  id: 2 ** 32 * 5 + 7,
  linkId: 42,
  at: Date.UTC(2026, 11, 4, 3, 29, 21, 652),
  visitor: 2 ** 52 - 1,
  language: 'fr-ch',
  country: 'CH',
  rule: 3,
  region: 'GE',
  city: 'Genève',
  ...r,
})

describe('a click as a binary COPY row', () => {
  it.each([
    ['every field', row()],
    [
      'no visitor, language, country, rule or place',
      row({ visitor: null, language: null, country: null, rule: null, region: null, city: null }),
    ],
    ['a city without a region', row({ region: null, city: 'Singapore' })],
    ['a city name of the longest length kept, in UTF-8', row({ city: 'é'.repeat(MAX_CITY_BYTES / 2) })],
    ['rule 0 (no rule matched)', row({ rule: 0 })],
    [
      'the largest ids a JS number holds exactly',
      row({ id: Number.MAX_SAFE_INTEGER, linkId: 2 ** 40 + 1, visitor: 0 }),
    ],
    ['a time before 2000 (a negative timestamptz)', row({ at: Date.UTC(1999, 11, 31, 23, 59, 59, 999) })],
    ['a language tag of the longest length kept', row({ language: 'x'.repeat(MAX_LANGUAGE) })],
  ])('round-trips %s', (_, r) => {
    expect(decodeClickRows(encode(r))).toEqual({ rows: [{ ...r, verdictId: VERDICT.id }], end: encode(r).length })
  })

  it('starts a stream with the PGCOPY signature, flags 0 and no extension', () => {
    expect(COPY_BINARY_HEADER.toString('latin1', 0, 11)).toBe('PGCOPY\n\xff\r\n\0')
    expect(COPY_BINARY_HEADER.subarray(11)).toEqual(Buffer.alloc(8))
  })

  it('reads rows journalled before rules (7 fields) as clicks without a rule or place', () => {
    const legacy = olderRow(row({ id: 9 }), 7)
    expect(decodeClickRows(legacy)).toEqual({
      rows: [{ ...row({ id: 9 }), rule: null, region: null, city: null, verdictId: VERDICT.id }],
      end: legacy.length,
    })
  })

  it('reads rows journalled before places (8 fields) as clicks with their rule and no place', () => {
    const legacy = Buffer.concat([olderRow(row({ id: 9 }), 8), olderRow(row({ id: 10 }), 8).subarray(19)])
    expect(decodeClickRows(legacy)).toEqual({
      rows: [9, 10].map((id) => ({ ...row({ id }), region: null, city: null, verdictId: VERDICT.id })),
      end: legacy.length,
    })
    expect(clickColumnsOf(fieldCountAt(legacy))).toEqual(CLICK_COLUMNS.slice(0, 8))
    expect(clickColumnsOf(fieldCountAt(encode(row())))).toEqual(CLICK_COLUMNS)
  })

  it('cuts a longer city name at a whole character, within the room a row reserves', () => {
    const long = `${'a'.repeat(MAX_CITY_BYTES - 1)}é and more`
    const bytes = encode(row({ city: long }))
    expect(bytes.length - COPY_BINARY_HEADER.length).toBeLessThanOrEqual(MAX_CLICK_ROW_BYTES)
    expect(decodeClickRows(bytes).rows[0].city).toBe('a'.repeat(MAX_CITY_BYTES - 1))
  })

  it('writes the bytes Postgres expects: 10 fields, 8-byte big-endian integers, µs since 2000 for the time', () => {
    const bytes = encode(
      row({
        id: 1,
        linkId: 2,
        at: Date.UTC(2000, 0, 1, 0, 0, 1),
        visitor: null,
        language: null,
        country: 'FR',
        rule: 2,
        region: 'IDF',
        city: 'Évry',
      }),
    ).subarray(COPY_BINARY_HEADER.length)
    expect(bytes.toString('hex')).toBe(
      [
        '000a',
        '00000008' + '0000000000000001',
        '00000008' + '0000000000000002',
        '00000008' + '00000000000f4240', // 1,000,000 µs
        '00000008' + 'fedcba9876543210',
        'ffffffff',
        'ffffffff',
        '00000002' + '4652',
        '00000002' + '0002',
        '00000003' + '494446', // IDF
        '00000005' + 'c389767279', // Évry in UTF-8
      ].join(''),
    )
  })

  it('keeps whole rows only: a row cut short or anything that is not a click row ends the scan', () => {
    const two = encode(row({ id: 1 }), row({ id: 2 }))
    const first = encode(row({ id: 1 })).length
    for (let cut = first; cut < two.length; cut++)
      expect(decodeClickRows(two.subarray(0, cut))).toMatchObject({ rows: [{ id: 1 }], end: first })
    const wrongFieldCount = Buffer.from(two)
    wrongFieldCount.writeInt16BE(6, first)
    expect(decodeClickRows(wrongFieldCount).rows.map((r) => r.id)).toEqual([1])
    const wrongLength = Buffer.from(two)
    wrongLength.writeInt32BE(4, first + 2) // the second row's id claims 4 bytes
    expect(decodeClickRows(wrongLength).rows.map((r) => r.id)).toEqual([1])
  })
})
