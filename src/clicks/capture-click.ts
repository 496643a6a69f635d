import type { IncomingHttpHeaders } from 'node:http'
import type { ClickInput, DescribedClassification } from './classify/classification.ts'
import type { ClickRecord, LossReason } from './click-record.ts'

const MAX_REFERRER = 1024
const MAX_USER_AGENT = 512
const MAX_REQUESTED_WITH = 256

export type ClickCaptureDeps = {
  classify: (input: ClickInput) => DescribedClassification
  hashVisitor: (ip: string, userAgent: string, at: number) => number
  mintId: () => number
  /** The label goes along: the writer counts rollups by the (memoised) verdict object. */
  record: (click: ClickRecord, label: DescribedClassification) => void
  recordLoss: (linkId: string, at: number, reason: LossReason) => void
  countryHeader: string | undefined
  /** HONOR_DNT: a visitor sending DNT: 1 or Sec-GPC: 1 is counted as a click but never hashed. */
  honorDnt?: boolean
}

/** What capture reads from a request: a FastifyRequest, or the redirect fast path's view of a raw one. */
export type CaptureRequest = { method: string; headers: IncomingHttpHeaders; ip: string }

export const optsOutOfTracking = (request: CaptureRequest) => request.headers.dnt === '1' || request.headers['sec-gpc'] === '1'

/** Requests that got a redirect but are not clicks: the browser or a crawler asking ahead, not a person following. */
export function dropReason(request: CaptureRequest): LossReason | null {
  if (request.method === 'HEAD') return 'head'
  const purpose = request.headers['sec-purpose'] ?? request.headers.purpose ?? request.headers['x-moz']
  if (typeof purpose === 'string' && purpose.includes('prefetch')) return 'prefetch'
  return null
}

/** First language tag of Accept-Language, lower-cased ("fr-CH, fr;q=0.9" → "fr-ch"). */
export function firstLanguage(header: string | undefined): string | null {
  if (!header) return null
  const tag = header.split(',', 1)[0].split(';', 1)[0].trim().toLowerCase()
  return /^[a-z]{1,8}(-[a-z0-9]{1,8})*$/.test(tag) ? tag : null
}

// Browsers send a handful of distinct Accept-Language values: remember the answers (bounded).
const LANGUAGE_MEMO_MAX = 1_000
const languages = new Map<string, string | null>()
function memoFirstLanguage(header: string | undefined): string | null {
  if (!header) return null
  let tag = languages.get(header)
  if (tag === undefined) {
    if (languages.size >= LANGUAGE_MEMO_MAX) languages.clear()
    tag = firstLanguage(header)
    languages.set(header, tag)
  }
  return tag
}

/** The capture pipeline: drop non-clicks with a reason, label the rest, hand it to the writer. Synchronous. */
export function createClickCapture(d: ClickCaptureDeps) {
  return function captureClick(request: CaptureRequest, linkId: string): void {
    const at = Date.now()
    const drop = dropReason(request)
    if (drop) return d.recordLoss(linkId, at, drop)

    const h = request.headers
    const ua = (h['user-agent'] ?? '').slice(0, MAX_USER_AGENT)
    const referrer = (h.referer ?? '').slice(0, MAX_REFERRER)
    const requestedWith = h['x-requested-with']
    const label = d.classify({
      ua,
      referrer,
      headers: typeof requestedWith === 'string' ? { 'x-requested-with': requestedWith } : undefined,
    })
    const country = d.countryHeader ? h[d.countryHeader] : undefined
    d.record({
      id: d.mintId(),
      linkId,
      at,
      kind: label.kind,
      medium: label.medium,
      app: label.app,
      visibility: label.visibility,
      referrer: referrer || null,
      userAgent: ua || null,
      // Only humans are counted as visitors; the IP goes into the hash and nowhere else.
      visitor: label.kind === 'human' && !(d.honorDnt && optsOutOfTracking(request)) ? d.hashVisitor(request.ip, ua, at) : null,
      language: memoFirstLanguage(h['accept-language']),
      country: typeof country === 'string' && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : null,
      browser: label.browser,
      os: label.os,
      device: label.device,
      requestedWith: typeof requestedWith === 'string' ? requestedWith.slice(0, MAX_REQUESTED_WITH) : null,
    }, label)
  }
}
