import { z } from 'zod'
import { Problem } from './problem.ts'

// Row ids are Postgres bigints: 1 … 9223372036854775807. A longer or larger number would reach the query and
// fail there as a 500, so ids from paths, queries and cursors are checked here, the one codec for all of them.
const ROW_ID_PATTERN = /^[1-9]\d{0,18}$/
const INT8_MAX = 9223372036854775807n

/** Whether a string is a row id Postgres can hold. */
export const isRowId = (id: string) => ROW_ID_PATTERN.test(id) && BigInt(id) <= INT8_MAX

/** A row id in a path or query (`what`: "a key id such as 12"); the 400 names the field. */
export const RowId = (what: string) =>
  z
    .string()
    .regex(ROW_ID_PATTERN, `must be ${what}`)
    // zod runs this check even after the pattern failed: only a digit string may reach BigInt.
    .refine((id) => !ROW_ID_PATTERN.test(id) || BigInt(id) <= INT8_MAX, `must be ${what} (at most ${INT8_MAX})`)

/** The opaque `cursor` of a list page: the last row's id, base64url, so clients do not build one by hand. */
export const encodeIdCursor = (id: string) => Buffer.from(id).toString('base64url')

/** The id a cursor from encodeIdCursor carries; a 400 on the `cursor` field for anything else. */
export function decodeIdCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString()
  if (!isRowId(id)) throw Problem.field('cursor', 'is not a cursor this API returned')
  return id
}
