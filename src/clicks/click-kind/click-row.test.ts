import { describe, expect, it } from 'vitest'
import {
  COPY_BINARY_HEADER,
  decodeClickRows,
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
    )
  return buf.subarray(0, end)
}

/** A row as a process journalled it before rules: the same bytes without the last field. */
function beforeRules(r: Omit<DecodedClickRow, 'verdictId'>): Buffer {
  const full = encode({ ...r, rule: null })
  const legacy = Buffer.concat([full.subarray(0, full.length - 4)])
  legacy.writeInt16BE(7, COPY_BINARY_HEADER.length)
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
  ...r,
})

describe('a click as a binary COPY row', () => {
  it.each([
    ['every field', row()],
    ['no visitor, language, country or rule', row({ visitor: null, language: null, country: null, rule: null })],
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

  it('reads rows journalled before rules (7 fields) as clicks without a rule', () => {
    const legacy = beforeRules(row({ id: 9 }))
    expect(decodeClickRows(legacy)).toEqual({
      rows: [{ ...row({ id: 9 }), rule: null, verdictId: VERDICT.id }],
      end: legacy.length,
    })
  })

  it('writes the bytes Postgres expects: 8 fields, 8-byte big-endian integers, µs since 2000 for the time', () => {
    const bytes = encode(
      row({
        id: 1,
        linkId: 2,
        at: Date.UTC(2000, 0, 1, 0, 0, 1),
        visitor: null,
        language: null,
        country: 'FR',
        rule: 2,
      }),
    ).subarray(COPY_BINARY_HEADER.length)
    expect(bytes.toString('hex')).toBe(
      [
        '0008',
        '00000008' + '0000000000000001',
        '00000008' + '0000000000000002',
        '00000008' + '00000000000f4240', // 1,000,000 µs
        '00000008' + 'fedcba9876543210',
        'ffffffff',
        'ffffffff',
        '00000002' + '4652',
        '00000002' + '0002',
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
