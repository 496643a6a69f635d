import { readCsv, readCsvTable } from './csv-reader.ts'
import { emptyRecord, type ImportRecord } from './import-record.ts'
import { splitTags } from './parse-helpers.ts'

/** A CSV with a header row: code and url required; title, tags (separated by | ; or ,), created_at, expires_at, clicks optional. */
export function parseGenericCsv(input: string): ImportRecord[] {
  const table = readCsvTable(readCsv(input), (keys) => {
    const missing = ['code', 'url'].filter((k) => !keys.has(k))
    return missing.length
      ? `the header row must name the ${missing.join(' and ')} column${missing.length > 1 ? 's' : ''} (code,url,title,tags,created_at,expires_at,clicks)`
      : null
  })
  return table.map((row) => ({
    ...emptyRecord(row.line),
    code: row.get('code'),
    url: row.get('url'),
    title: row.get('title'),
    tags: splitTags(row.get('tags')),
    createdAt: row.get('createdat'),
    expiresAt: row.get('expiresat'),
    clicks: row.get('clicks'),
  }))
}
