import { readCsv, readCsvTable } from './csv-reader.ts'
import { emptyRecord, type ImportRecord } from './import-record.ts'
import {
  hostOf,
  isObject,
  jsonItems,
  looksLikeJson,
  parseJson,
  scalar,
  splitTags,
  stringList,
  text,
} from './parse-helpers.ts'

/**
 * Shlink: the REST API's short URL list (GET /rest/v3/short-urls: {shortUrls: {data: [...]}}) or the CSV
 * the web client's "Export" button writes (createdAt, domain, shortCode, shortUrl, longUrl, title, tags
 * joined by |, visits).
 */
export function parseShlink(input: string): ImportRecord[] {
  if (looksLikeJson(input)) {
    const items = jsonItems(parseJson(input), [['shortUrls', 'data'], ['data']], 'a Shlink short URL list')
    return items.map((item, i) => {
      const meta = isObject(item.meta) ? item.meta : {}
      const visits = isObject(item.visitsSummary) ? item.visitsSummary.total : item.visitsCount
      return {
        ...emptyRecord(i + 1),
        code: text(item.shortCode),
        domain: text(item.domain)?.toLowerCase() ?? hostOf(text(item.shortUrl)),
        url: text(item.longUrl),
        title: text(item.title),
        tags: stringList(item.tags),
        createdAt: scalar(item.dateCreated),
        expiresAt: scalar(meta.validUntil),
        clicks: scalar(visits),
      }
    })
  }
  const table = readCsvTable(readCsv(input), (keys) =>
    keys.has('shortcode') && keys.has('longurl') ? null : 'a Shlink CSV needs shortCode and longUrl columns',
  )
  return table.map((row) => ({
    ...emptyRecord(row.line),
    code: row.get('shortcode'),
    domain: row.get('domain')?.toLowerCase() ?? hostOf(row.get('shorturl')),
    url: row.get('longurl'),
    title: row.get('title'),
    tags: splitTags(row.get('tags')),
    createdAt: row.get('createdat', 'datecreated'),
    expiresAt: row.get('validuntil'),
    clicks: row.get('visits', 'visitscount'),
  }))
}
