import type { ClickRecord } from './click-record.ts'

/**
 * A click as one line of Postgres COPY text format, in CLICK_COLUMNS order. The journal stores these
 * lines and the writer sends them to Postgres as they are: a click is encoded once, at capture.
 */
export const CLICK_COLUMNS = [
  'id', 'link_id', 'clicked_at', 'kind', 'medium', 'app', 'visibility', 'referrer', 'user_agent', 'visitor',
  'language', 'country', 'browser', 'os', 'device', 'requested_with',
] as const

const NULL = '\\N'
const NEEDS_ESCAPE = /[\\\t\n\r]/
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }
const UNESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' }

/** A text field: NULL as \N, backslash and control separators escaped (header values may hold a tab). */
function text(s: string | null): string {
  if (s === null) return NULL
  return NEEDS_ESCAPE.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : s
}

// The ISO prefix up to the second changes once a second: cache it rather than format a Date per click.
let cachedSecond = -1
let cachedPrefix = ''
/** Epoch ms → "2026-11-29T08:39:01.123Z", which timestamptz accepts. */
export function isoTimestamp(at: number): string {
  const second = Math.floor(at / 1000)
  if (second !== cachedSecond) {
    cachedSecond = second
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20)
  }
  const ms = at - second * 1000
  return `${cachedPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`
}

export function encodeClickLine(c: ClickRecord): string {
  return joinClickLine(c.id, c.linkId, c.at, encodeLabelColumns(c), c.visitor, c.language, c.country, encodeDeviceColumns(c))
}

/** Columns kind … user_agent: what the classifier's verdict and the request's ua and referrer give, so capture builds them once per verdict. */
export function encodeLabelColumns(c: Pick<ClickRecord, 'kind' | 'medium' | 'app' | 'visibility' | 'referrer' | 'userAgent'>): string {
  return `${c.kind}\t${c.medium ?? NULL}\t${text(c.app)}\t${c.visibility ?? NULL}\t${text(c.referrer)}\t${text(c.userAgent)}`
}

/** Columns browser … requested_with, likewise fixed per verdict. */
export function encodeDeviceColumns(c: Pick<ClickRecord, 'browser' | 'os' | 'device' | 'requestedWith'>): string {
  return `${text(c.browser)}\t${text(c.os)}\t${text(c.device)}\t${text(c.requestedWith)}`
}

/** A whole line from the per-click values and the two encoded runs of columns above. */
export function joinClickLine(
  id: number, linkId: string, at: number, labelColumns: string, visitor: number | null, language: string | null, country: string | null, deviceColumns: string,
): string {
  return `${id}\t${linkId}\t${isoTimestamp(at)}\t${labelColumns}\t${visitor ?? NULL}\t${text(language)}\t${text(country)}\t${deviceColumns}\n`
}

const field = (s: string): string | null => (s === NULL ? null : s.includes('\\') ? s.replace(/\\(.)/g, (_, c: string) => UNESCAPES[c] ?? c) : s)

/** Parses one line (without its newline); null when it is not a click line. */
export function decodeClickLine(line: string): ClickRecord | null {
  const f = line.split('\t')
  if (f.length !== CLICK_COLUMNS.length) return null
  const id = Number(f[0])
  const at = Date.parse(f[2])
  if (!Number.isSafeInteger(id) || !/^\d+$/.test(f[1]) || Number.isNaN(at) || !f[3]) return null
  return {
    id,
    linkId: f[1],
    at,
    kind: f[3] as ClickRecord['kind'],
    medium: field(f[4]) as ClickRecord['medium'],
    app: field(f[5]),
    visibility: field(f[6]) as ClickRecord['visibility'],
    referrer: field(f[7]),
    userAgent: field(f[8]),
    visitor: f[9] === NULL ? null : Number(f[9]),
    language: field(f[10]),
    country: field(f[11]),
    browser: field(f[12]),
    os: field(f[13]),
    device: field(f[14]),
    requestedWith: field(f[15]),
  }
}
