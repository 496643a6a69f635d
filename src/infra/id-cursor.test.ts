import { describe, expect, it } from 'vitest'
import { decodeIdCursor, encodeIdCursor } from './id-cursor.ts'

describe('list cursors', () => {
  it.each(['1', '42', '9223372036854775807'])('give back the id %s they carry', (id) => {
    expect(decodeIdCursor(encodeIdCursor(id))).toBe(id)
  })

  it.each([
    ['not base64 of an id', 'bm90LWFuLWlk'],
    ['a leading zero', encodeIdCursor('012')],
    ['zero', encodeIdCursor('0')],
    ['more than 19 digits', encodeIdCursor('12345678901234567890')],
    ['empty', ''],
  ])('refuse %s as a bad cursor field', (_, cursor) => {
    expect(() => decodeIdCursor(cursor)).toThrow(/cursor/)
  })
})
