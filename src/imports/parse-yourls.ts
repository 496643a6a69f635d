import { headerKey, readCsv, readCsvTable } from './csv-reader.ts'
import { emptyRecord, ImportFormatError, type ImportRecord } from './import-record.ts'
import { isObject, looksLikeJson, parseJson, scalar, shortLinkParts, text, type JsonObject } from './parse-helpers.ts'

// The columns of YOURLS's yourls_url table, in order: a headerless dump (SELECT … INTO OUTFILE) has them so.
const TABLE_COLUMNS = ['keyword', 'url', 'title', 'timestamp', 'ip', 'clicks']

/**
 * YOURLS: its yourls_url table as CSV (keyword, url, title, timestamp, ip, clicks; with or without the header
 * row), the Import/Export plugin's CSV (source "/keyword/", target, hits), or the API's
 * `action=stats&filter=last&format=json` answer ({links: {link_1: {shorturl, url, title, timestamp, clicks}}}).
 * The ip column is never read: Umbra keeps no raw IP.
 */
export function parseYourls(input: string): ImportRecord[] {
  if (looksLikeJson(input)) {
    const doc = parseJson(input)
    const links = isObject(doc) && isObject(doc.links) ? Object.values(doc.links) : Array.isArray(doc) ? doc : null
    if (!links)
      throw new ImportFormatError('not a YOURLS export: expected links (the stats API answer) or a list of links')
    return links.map((item, i) => {
      if (!isObject(item)) throw new ImportFormatError(`item ${i + 1}: not an object`)
      return fromJson(item, i + 1)
    })
  }
  const rows = readCsv(input)
  const keys = new Set(rows[0]?.cells.map(headerKey) ?? [])
  if (keys.has('source') && keys.has('target')) {
    return readCsvTable(rows, () => null).map((row) => ({
      ...emptyRecord(row.line),
      code: row.get('source')?.replace(/^\/+|\/+$/g, '') || null,
      url: row.get('target'),
      clicks: row.get('hits'),
    }))
  }
  const table =
    keys.has('keyword') && keys.has('url')
      ? readCsvTable(rows, () => null)
      : rows.map((row) => ({
          line: row.line,
          get: (name: string) => row.cells[TABLE_COLUMNS.indexOf(name)]?.trim() || null,
        }))
  return table.map((row) => ({
    ...emptyRecord(row.line),
    code: row.get('keyword'),
    url: row.get('url'),
    title: row.get('title'),
    createdAt: row.get('timestamp'),
    clicks: row.get('clicks'),
  }))
}

function fromJson(item: JsonObject, line: number): ImportRecord {
  const short = shortLinkParts(text(item.shorturl))
  return {
    ...emptyRecord(line),
    code: text(item.keyword) ?? short.code,
    domain: short.domain,
    url: text(item.url),
    title: text(item.title),
    createdAt: scalar(item.timestamp),
    clicks: scalar(item.clicks),
  }
}
