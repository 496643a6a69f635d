import { ImportFormatError } from './import-record.ts'

export type CsvRow = { line: number; cells: string[] }

/**
 * Reads RFC 4180 CSV (quoted cells may hold commas, quotes and line breaks; CRLF or LF; a UTF-8 BOM is
 * skipped). Each row carries the line it starts on, so problems can be reported where a person would look.
 * Blank lines are skipped.
 */
export function readCsv(text: string, delimiter = ','): CsvRow[] {
  const rows: CsvRow[] = []
  let cells: string[] = []
  let cell = ''
  let line = 1
  let rowLine = 1
  let quoted = false
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  const endRow = () => {
    cells.push(cell)
    if (cells.length > 1 || cells[0] !== '') rows.push({ line: rowLine, cells })
    cells = []
    cell = ''
  }
  for (; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i++
        } else quoted = false
      } else {
        if (c === '\n') line++
        cell += c
      }
    } else if (c === '"' && cell === '') quoted = true
    else if (c === delimiter) {
      cells.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      endRow()
      line++
      rowLine = line
    } else cell += c
  }
  if (quoted) throw new ImportFormatError(`line ${rowLine}: a quoted cell is never closed`)
  if (cell !== '' || cells.length) endRow()
  return rows
}

/** A header name as the parsers compare it: "Long URL", "long_url" and "longUrl" are all "longurl". */
export const headerKey = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '')

/** Rows under a header row, as objects keyed by headerKey; the header row must name `required` columns. */
export function readCsvTable(rows: CsvRow[], required: (keys: Set<string>) => string | null): { line: number; get: (...names: string[]) => string | null }[] {
  const [header, ...body] = rows
  if (!header) throw new ImportFormatError('the file is empty')
  const keys = header.cells.map(headerKey)
  const missing = required(new Set(keys))
  if (missing) throw new ImportFormatError(`line ${header.line}: ${missing}`)
  return body.map((row) => ({
    line: row.line,
    get: (...names: string[]) => {
      for (const name of names) {
        const at = keys.indexOf(name)
        const value = at >= 0 ? row.cells[at]?.trim() : undefined
        if (value) return value
      }
      return null
    },
  }))
}
