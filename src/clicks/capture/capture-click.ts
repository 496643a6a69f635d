import type { ResolvedLink } from '../../links/link-cache.ts'
import { ruleFor } from '../../links/link-rules.ts'
import type { DescribedClassification } from '../classify/classification.ts'
import type { ClickClassifier } from '../classify/create-click-classifier.ts'
import type { LossReason } from '../click-record.ts'
import type { ClickWriter } from '../click-kind/click-writer.ts'
import { MAX_LANGUAGE } from '../click-kind/click-row.ts'
import { createVerdictMemo } from '../verdicts/verdict-memo.ts'
import type { VisitorHasher } from '../visitor-hash.ts'
import type { CaptureRequest } from './capture-request.ts'

const MAX_REFERRER = 1024
const MAX_USER_AGENT = 512
const MAX_REQUESTED_WITH = 256

export type ClickCaptureDeps = {
  /** Labels a request context; capture memoises whole verdicts (verdict-memo.ts). */
  classify: ClickClassifier
  visitors: Pick<VisitorHasher, 'prefix' | 'finish'>
  mintId: () => number
  recordClick: ClickWriter['recordClick']
  recordLoss: (linkId: string, at: number, reason: LossReason) => void
  /** HONOR_DNT: a visitor sending DNT: 1 or Sec-GPC: 1 is counted as a click but never hashed. */
  honorDnt?: boolean
  /** Changes when the classifier's context does (our own hosts): memoised verdicts are then forgotten. */
  contextVersion?: () => number
}

/**
 * What capture learnt that the answer needs: the click's labels and the rule that answered it (1-based; 0 for
 * none). A plain link (no routing) gets PLAIN_OUTCOME: its url answers, whatever the labels.
 */
export type CaptureOutcome = {
  readonly label: DescribedClassification | null
  readonly rule: number
  /** The click's id (for the conversion reference), or null for a request that is not a click. */
  readonly clickId: number | null
}
export const PLAIN_OUTCOME: CaptureOutcome = Object.freeze({ label: null, rule: 0, clickId: null })

/** The click's country as capture knows it (CaptureRequest.country: COUNTRY_HEADER, else the IP lookup). */
const countryOf = (request: Pick<CaptureRequest, 'country'>) =>
  request.country !== undefined && /^[A-Za-z]{2}$/.test(request.country) ? request.country.toUpperCase() : null

/** Requests that got a redirect but are not clicks: the browser or a crawler asking ahead, not a person following. */
export function dropReason(request: Pick<CaptureRequest, 'method' | 'purpose'>): LossReason | null {
  if (request.method === 'HEAD') return 'head'
  if (request.purpose?.includes('prefetch')) return 'prefetch'
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
  const verdictOf = createVerdictMemo(d.classify, undefined, d.contextVersion)

  const entryOf = (request: CaptureRequest) =>
    verdictOf(
      (request.userAgent ?? '').slice(0, MAX_USER_AGENT),
      (request.referer ?? '').slice(0, MAX_REFERRER),
      (request.requestedWith ?? '').slice(0, MAX_REQUESTED_WITH),
    )

  return function captureClick(
    request: CaptureRequest,
    link: Pick<ResolvedLink, 'id' | 'numericId' | 'routing'>,
  ): CaptureOutcome {
    const at = Date.now()
    const routing = link.routing
    const drop = dropReason(request)
    if (drop) {
      d.recordLoss(link.id, at, drop)
      // Not a click, but a HEAD of a routed link is answered as its GET would be.
      if (routing === null) return PLAIN_OUTCOME
    }

    const entry = entryOf(request)
    const v = entry.verdict
    const language = memoFirstLanguage(request.acceptLanguage)
    const country = countryOf(request)
    let rule: number | null = null
    if (routing !== null && routing.rules.length > 0)
      rule = ruleFor(routing.rules, { os: v.label.os, device: v.label.device, app: v.label.app, language, country })
    const outcome = routing === null ? PLAIN_OUTCOME : { label: v.label, rule: rule ?? 0, clickId: null }
    if (drop) return outcome
    if (routing !== null && v.label.kind === 'human') routing.humanClicks++

    // Only humans are counted as visitors; the IP goes into the hash and nowhere else.
    let visitor: number | null = null
    if (v.label.kind === 'human' && !(d.honorDnt && request.optsOut)) {
      entry.visitorPrefix = d.visitors.prefix(v.userAgent, at, entry.visitorPrefix)
      visitor = d.visitors.finish(entry.visitorPrefix, request.ip)
    }
    const id = d.mintId()
    // Region and city only beside the country they belong to (capture-request.ts keeps them so).
    const region = country === null ? null : (request.region ?? null)
    const city = country === null ? null : (request.city ?? null)
    d.recordClick(id, link.id, link.numericId, at, v, visitor, language, country, rule, region, city)
    return { label: outcome.label, rule: outcome.rule, clickId: id }
  }
}
