/** A cell a spreadsheet would run as a formula (OWASP "CSV injection"): =, +, -, @, tab, CR. */
const FORMULA_START = /^[=+\-@\t\r]/

/** One RFC 4180 cell: quoted when it holds a comma, quote or line break; formula-looking text made inert. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return String(value)
  const text = FORMULA_START.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** One CSV line, CRLF-terminated as RFC 4180 says. */
export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`
}

/** `{whatsapp: 3, slack: 1}` → `whatsapp=3;slack=1`, for maps inside one cell. */
export const countsCell = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([k, n]) => `${k}=${n}`)
    .join(';')

/**
 * A download's file name from what it holds: `csvFileName(['clicks', 'topic', 'climate'], from, to)` →
 * `clicks-topic-climate-2026-11-01-to-2026-11-30.csv`. Anything but ASCII letters, digits, `.` and `_`
 * becomes `-`, so the name is safe inside a quoted Content-Disposition and on every file system.
 */
export function csvFileName(parts: readonly string[], fromMs?: number, toMs?: number): string {
  const days =
    fromMs === undefined || toMs === undefined
      ? []
      : [
          new Date(fromMs).toISOString().slice(0, 10),
          'to',
          new Date(Math.max(fromMs, toMs - 1)).toISOString().slice(0, 10),
        ]
  const name = [...parts, ...days]
    .map((p) => p.replace(/[^A-Za-z0-9._]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter(Boolean)
    .join('-')
  return `${name.slice(0, 150)}.csv`
}
