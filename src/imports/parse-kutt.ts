import { emptyRecord, type ImportRecord } from './import-record.ts'
import { hostOf, jsonItems, parseJson, scalar, text } from './parse-helpers.ts'

/**
 * Kutt: the API v2 link list (GET /api/v2/links?all=true&limit=…&skip=…: {total, data: [...]}), one page or
 * the items of all pages as one list. A password-protected or banned link is refused: Umbra would
 * redirect anyone to it.
 */
export function parseKutt(input: string): ImportRecord[] {
  const items = jsonItems(parseJson(input), [['data']], 'a Kutt link list')
  return items.map((item, i) => ({
    ...emptyRecord(i + 1),
    code: text(item.address),
    domain: text(item.domain)?.toLowerCase() ?? hostOf(text(item.link)),
    url: text(item.target),
    title: text(item.description),
    createdAt: scalar(item.created_at),
    expiresAt: scalar(item.expire_in),
    clicks: scalar(item.visit_count),
    ...(item.password === true
      ? { refusal: 'password-protected in Kutt, whose export has no password: not imported (set one with PATCH)' }
      : {}),
    ...(item.banned === true ? { refusal: 'banned in Kutt: not imported' } : {}),
  }))
}
