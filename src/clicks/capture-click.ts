import type { IncomingHttpHeaders } from 'node:http'
import type { ResolvedLink } from '../links/link-cache.ts'
import type { ClickInput, DescribedClassification } from './classify/classification.ts'
import { verdictKey } from './classify/create-click-classifier.ts'
import { createTwoGenerationMemo } from './classify/two-generation-memo.ts'
import type { LossReason } from './click-record.ts'
import { MAX_LANGUAGE } from './click-row.ts'
import { createClickVerdict, type ClickVerdict } from './click-verdict.ts'
import type { ClickWriter } from './click-writer.ts'
import type { VisitorHasher } from './visitor-hash.ts'

const MAX_REFERRER = 1024
const MAX_USER_AGENT = 512
const MAX_REQUESTED_WITH = 256
const VERDICT_MEMO_MAX = 10_000

export type ClickCaptureDeps = {
  classify: (input: ClickInput) => DescribedClassification
  visitors: Pick<VisitorHasher, 'prefix' | 'finish'>
  mintId: () => number
  recordClick: ClickWriter['recordClick']
  recordLoss: (linkId: string, at: number, reason: LossReason) => void
  /** HONOR_DNT: a visitor sending DNT: 1 or Sec-GPC: 1 is counted as a click but never hashed. */
  honorDnt?: boolean
}

/**
 * What capture reads from a request: method, client address and a few headers (the first value of each).
 * Built from Fastify's parsed headers (captureRequestOf) or, on the fast path, from the raw header list.
 */
export type CaptureRequest = {
  method: string
  ip: string
  userAgent: string | undefined
  referer: string | undefined
  requestedWith: string | undefined
  acceptLanguage: string | undefined
  /** Sec-Purpose, Purpose or X-Moz: where browsers say a request is a prefetch. */
  purpose: string | undefined
  /** DNT: 1 or Sec-GPC: 1. */
  optsOut: boolean
  /** The value of COUNTRY_HEADER, when one is configured. */
  country: string | undefined
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

/** A CaptureRequest from headers Node has parsed into an object (the Fastify route). */
export function captureRequestOf(method: string, headers: IncomingHttpHeaders, ip: string, countryHeader: string | undefined): CaptureRequest {
  return {
    method,
    ip,
    userAgent: headers['user-agent'],
    referer: headers.referer,
    requestedWith: first(headers['x-requested-with']),
    acceptLanguage: headers['accept-language'],
    purpose: first(headers['sec-purpose'] ?? headers.purpose ?? headers['x-moz']),
    optsOut: headers.dnt === '1' || headers['sec-gpc'] === '1',
    country: countryHeader ? first(headers[countryHeader]) : undefined,
  }
}

/** Requests that got a redirect but are not clicks: the browser or a crawler asking ahead, not a person following. */
export function dropReason(request: Pick<CaptureRequest, 'method' | 'purpose'>): LossReason | null {
  if (request.method === 'HEAD') return 'head'
  if (request.purpose !== undefined && request.purpose.includes('prefetch')) return 'prefetch'
  return null
}

/** First language tag of Accept-Language, lower-cased ("fr-CH, fr;q=0.9" → "fr-ch"); none if longer than 35 characters. */
export function firstLanguage(header: string | undefined): string | null {
  if (!header) return null
  const tag = header.split(',', 1)[0].split(';', 1)[0].trim().toLowerCase()
  return tag.length <= MAX_LANGUAGE && /^[a-z]{1,8}(-[a-z0-9]{1,8})*$/.test(tag) ? tag : null
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

/**
 * The capture pipeline: drop non-clicks with a reason, label the rest, hand the writer its row.
 * Synchronous. A click's verdict is memoised (user agents repeat), and with it the visitor hash's state
 * after the user agent, so a repeated user agent costs a lookup, an id, the IP's share of a hash and a
 * few bytes written into the writer's buffer.
 */
export function createClickCapture(d: ClickCaptureDeps) {
  const verdicts = createTwoGenerationMemo<string, ClickVerdict>(VERDICT_MEMO_MAX)

  function verdictOf(ua: string, referrer: string, requestedWith: string): ClickVerdict {
    const key = verdictKey(ua, referrer, requestedWith)
    let v = verdicts.get(key)
    if (v === undefined) {
      const label = d.classify({ ua, referrer, headers: requestedWith ? { 'x-requested-with': requestedWith } : undefined })
      v = createClickVerdict(ua, referrer, requestedWith, label)
      verdicts.set(key, v)
    }
    return v
  }

  return function captureClick(request: CaptureRequest, link: Pick<ResolvedLink, 'id' | 'numericId'>): void {
    const at = Date.now()
    const drop = dropReason(request)
    if (drop) return d.recordLoss(link.id, at, drop)

    const v = verdictOf(
      (request.userAgent ?? '').slice(0, MAX_USER_AGENT),
      (request.referer ?? '').slice(0, MAX_REFERRER),
      (request.requestedWith ?? '').slice(0, MAX_REQUESTED_WITH),
    )
    // Only humans are counted as visitors; the IP goes into the hash and nowhere else.
    let visitor: number | null = null
    if (v.label.kind === 'human' && !(d.honorDnt && request.optsOut)) {
      v.visitorPrefix = d.visitors.prefix(v.userAgent, at, v.visitorPrefix)
      visitor = d.visitors.finish(v.visitorPrefix, request.ip)
    }
    const country = request.country !== undefined && /^[A-Za-z]{2}$/.test(request.country) ? request.country.toUpperCase() : null
    d.recordClick(d.mintId(), link.id, link.numericId, at, v, visitor, memoFirstLanguage(request.acceptLanguage), country)
  }
}
