import { hash } from 'node:crypto'
import type { DescribedClassification } from '../classify/classification.ts'

/** click_verdicts' columns, in the order of a verdict's journal line (migration 013). */
export const VERDICT_COLUMNS = [
  'id',
  'user_agent',
  'referrer',
  'requested_with',
  'kind',
  'medium',
  'app',
  'visibility',
  'browser',
  'os',
  'device',
] as const

/**
 * What one request context (user agent, referrer, X-Requested-With) says about every click that carries
 * it, and what the classifier made of it: stored once as a row of click_verdicts, which click rows point
 * to by id. Immutable, here as in Postgres: which batches list it is verdict-ledger.ts's bookkeeping,
 * the visitor hashing state that goes with it is capture's (verdict-memo.ts).
 */
export type ClickVerdict = {
  /** click_verdicts.id as decimal text, and the same 64 bits as the two words a binary click row carries. */
  readonly id: string
  readonly idHigh: number
  readonly idLow: number
  /** '' when the request had none. */
  readonly userAgent: string
  readonly referrer: string
  readonly requestedWith: string
  /** The classifier's (memoised, frozen) labels: rollups count by this object. */
  readonly label: DescribedClassification
  /** Its click_verdicts row as a COPY text line: the journal keeps it beside the clicks that use it. */
  readonly line: string
}

const NULL = '\\N'
const NEEDS_ESCAPE = /[\\\t\n\r]/
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/** A COPY text field: NULL as \N, backslash and the separators escaped (a header value may hold a tab). */
function copyText(s: string | null): string {
  if (s === null) return NULL
  return NEEDS_ESCAPE.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : s
}

/** The fields a verdict's id is the hash of, in VERDICT_COLUMNS order after the id; '' for none. */
const contentOf = (ua: string, referrer: string, requestedWith: string, l: DescribedClassification) => [
  ua,
  referrer,
  requestedWith,
  l.kind,
  l.medium ?? '',
  l.app ?? '',
  l.visibility ?? '',
  l.browser ?? '',
  l.os ?? '',
  l.device ?? '',
]

/**
 * A verdict named by the first 8 bytes of SHA-256 over its fields joined by \n (which no header value
 * holds), as a signed 64-bit integer: every instance names the same verdict alike without asking
 * Postgres, and click_verdict_id() in migration 013 computes the same id in SQL.
 */
export function createClickVerdict(
  userAgent: string,
  referrer: string,
  requestedWith: string,
  label: DescribedClassification,
): ClickVerdict {
  const content = contentOf(userAgent, referrer, requestedWith, label)
  const digest = hash('sha256', content.join('\n'), 'buffer')
  const id = digest.readBigInt64BE(0).toString()
  // Empty text is stored as NULL, as a click with no referrer always was.
  const line = `${[id, ...content.map((f) => copyText(f || null))].join('\t')}\n`
  return Object.freeze({
    id,
    idHigh: digest.readUInt32BE(0),
    idLow: digest.readUInt32BE(4),
    userAgent,
    referrer,
    requestedWith,
    label,
    line,
  })
}
