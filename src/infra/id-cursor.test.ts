import { describe, expect, it } from 'vitest'
import { decodeIdCursor, encodeIdCursor, isRowId, RowId } from './id-cursor.ts'

describe('list cursors', () => {
  it.each(['1', '42', '9223372036854775807'])('give back the id %s they carry', (id) => {
    expect(decodeIdCursor(encodeIdCursor(id))).toBe(id)
  })

  it.each([
    ['not base64 of an id', 'bm90LWFuLWlk'],
    ['a leading zero', encodeIdCursor('012')],
    ['zero', encodeIdCursor('0')],
    ['more than 19 digits', encodeIdCursor('12345678901234567890')],
    ['one past the bigint maximum', encodeIdCursor('9223372036854775808')],
    ['19 nines', encodeIdCursor('9999999999999999999')],
    ['empty', ''],
  ])('refuse %s as a bad cursor field', (_, cursor) => {
    expect(() => decodeIdCursor(cursor)).toThrow(/cursor/)
  })
})

describe('row ids in paths and queries', () => {
  it.each([
    ['1', true],
    ['9223372036854775807', true],
    ['9223372036854775808', false],
    ['9999999999999999999', false],
    ['0', false],
    ['-1', false],
    ['1 or 1=1', false],
    ['1e3', false],
  ])('%s is a row id: %s', (id, ok) => {
    expect(isRowId(id)).toBe(ok)
    expect(RowId('a key id').safeParse(id).success).toBe(ok)
  })
})
