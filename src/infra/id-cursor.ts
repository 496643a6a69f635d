import { Problem } from './problem.ts'

/** The opaque `cursor` of a list page: the last row's id, base64url, so clients do not build one by hand. */
export const encodeIdCursor = (id: string) => Buffer.from(id).toString('base64url')

/** The id a cursor from encodeIdCursor carries; a 400 on the `cursor` field for anything else. */
export function decodeIdCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString()
  if (!/^[1-9]\d{0,18}$/.test(id)) throw Problem.field('cursor', 'is not a cursor this API returned')
  return id
}
