import { readCsv, readCsvTable } from './csv-reader.ts'
import { emptyRecord, type ImportRecord } from './import-record.ts'
import {
  isObject,
  jsonItems,
  looksLikeJson,
  parseJson,
  scalar,
  shortLinkParts,
  splitTags,
  stringList,
  text,
  type JsonObject,
} from './parse-helpers.ts'

// Column names the CSV of Bitly's Links page and of its /groups/{guid}/exports links_list use (compared
// without case, spaces or punctuation), with the API field names as well.
const LINK = ['link', 'bitlink', 'bitlylink', 'shortlink', 'shorturl', 'id']
const TARGET = ['longurl', 'destinationurl', 'destination', 'originalurl']
const CREATED = ['createdat', 'datecreated', 'created', 'creationdate']
const CLICKS = ['clicks', 'totalclicks', 'engagements', 'totalengagements', 'clickcount']
const CUSTOM = ['custombitlinks', 'custombitlink', 'custombitlylinks', 'custombitlylink', 'custombackhalf']

/** One record per short link: the bitlink itself, then each of its custom back-halves (same target, no clicks). */
function withCustomLinks(base: ImportRecord, customs: string[]): ImportRecord[] {
  const extra = customs
    .map((c) => ({ ...base, ...shortLinkParts(c), clicks: null }))
    .filter((r) => r.code && !(r.code === base.code && r.domain === base.domain))
  return [base, ...extra]
}

function fromApiItem(item: JsonObject, line: number): ImportRecord[] {
  const link = shortLinkParts(text(item.link) ?? text(item.id))
  const clicks = isObject(item.clicks) ? null : scalar(item.clicks ?? item.total_clicks)
  return withCustomLinks(
    {
      ...emptyRecord(line),
      ...link,
      url: text(item.long_url),
      title: text(item.title),
      tags: stringList(item.tags),
      createdAt: scalar(item.created_at),
      expiresAt: scalar(item.expiration_at),
      clicks,
    },
    stringList(item.custom_bitlinks),
  )
}

/**
 * Bitly: the API v4 bitlinks JSON (GET /v4/groups/{guid}/bitlinks: {links: [...]}, one page or a list of
 * pages) or a CSV export of the Links page.
 */
export function parseBitly(input: string): ImportRecord[] {
  if (looksLikeJson(input)) {
    const doc = parseJson(input)
    const pages =
      Array.isArray(doc) && doc.every((p) => isObject(p) && Array.isArray(p.links)) && doc.length ? doc : [doc]
    let line = 0
    return pages.flatMap((page) =>
      jsonItems(page, [['links']], 'a Bitly bitlinks export').flatMap((item) => fromApiItem(item, ++line)),
    )
  }
  const table = readCsvTable(readCsv(input), (keys) =>
    [...LINK].some((k) => keys.has(k)) && TARGET.some((k) => keys.has(k))
      ? null
      : 'a Bitly CSV needs a short link column (Link, Bitlink…) and a Long URL column',
  )
  return table.flatMap((row) =>
    withCustomLinks(
      {
        ...emptyRecord(row.line),
        ...shortLinkParts(row.get(...LINK)),
        url: row.get(...TARGET),
        title: row.get('title'),
        tags: splitTags(row.get('tags')),
        createdAt: row.get(...CREATED),
        expiresAt: row.get('expirationat', 'expiresat', 'expiration'),
        clicks: row.get(...CLICKS),
      },
      splitTags(row.get(...CUSTOM)),
    ),
  )
}
