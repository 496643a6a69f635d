import { ImportFormatError } from './import-record.ts'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type JsonObject = { [key: string]: Json }

export const looksLikeJson = (text: string) => /^\uFEFF?\s*[[{]/.test(text)

export function parseJson(text: string): Json {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as Json
  } catch (err) {
    throw new ImportFormatError(`not valid JSON (${(err as Error).message})`)
  }
}

export const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A text field: strings as given (empty → null), numbers as their digits, anything else null. */
export function text(v: Json | undefined): string | null {
  if (typeof v === 'string') return v.trim() || null
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return null
}

/** A date or count field: a string or a number as given, anything else null. */
export const scalar = (v: Json | undefined): string | number | null => (typeof v === 'number' ? v : text(v))

export const stringList = (v: Json | undefined): string[] =>
  Array.isArray(v) ? v.map(text).filter((t): t is string => t !== null) : []

/** Tags kept in one cell: "a|b", "a; b" or "a, b". */
export const splitTags = (cell: string | null): string[] =>
  cell
    ? cell
        .split(/[|;,]/)
        .map((t) => t.trim())
        .filter(Boolean)
    : []

/**
 * The items of a JSON export: the array under one of `keys` (a nested path such as shortUrls.data), or the
 * document itself when it is an array. Anything else is not this format.
 */
export function jsonItems(doc: Json, paths: string[][], what: string): JsonObject[] {
  let items: Json | undefined = Array.isArray(doc) ? doc : undefined
  for (const path of paths) {
    if (items !== undefined) break
    let at: Json | undefined = doc
    for (const key of path) at = isObject(at) ? at[key] : undefined
    if (Array.isArray(at)) items = at
  }
  if (!Array.isArray(items))
    throw new ImportFormatError(
      `not ${what}: expected ${paths.map((p) => p.join('.')).join(' or ')} to be a list of links`,
    )
  return items.map((item, i) => {
    if (!isObject(item)) throw new ImportFormatError(`item ${i + 1}: not an object`)
    return item
  })
}

/**
 * "https://bit.ly/abc", "bit.ly/abc" or "abc" → the short link's domain (when it names one) and code.
 * The code is the path without its leading slash, percent-decoded.
 */
export function shortLinkParts(raw: string | null): { domain: string | null; code: string | null } {
  if (!raw) return { domain: null, code: null }
  if (!raw.includes('/')) return { domain: null, code: raw }
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw.replace(/^\/+/, '')}`)
    const path = url.pathname.replace(/^\//, '')
    let code = path
    try {
      code = decodeURIComponent(path)
    } catch {
      // a malformed escape stays as written: the code check refuses it
    }
    return { domain: url.hostname.toLowerCase() || null, code: code || null }
  } catch {
    return { domain: null, code: raw }
  }
}

/** The host of a short URL, or null. */
export const hostOf = (shortUrl: string | null) => (shortUrl ? shortLinkParts(shortUrl).domain : null)
