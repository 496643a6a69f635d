import type { ResolvedLink } from '../../links/link-cache.ts'
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

  /** Returns the click's id, or null for a request that is not a click. */
  return function captureClick(request: CaptureRequest, link: Pick<ResolvedLink, 'id' | 'numericId'>): number | null {
    const at = Date.now()
    const drop = dropReason(request)
    if (drop) {
      d.recordLoss(link.id, at, drop)
      return null
    }

    const entry = verdictOf(
      (request.userAgent ?? '').slice(0, MAX_USER_AGENT),
      (request.referer ?? '').slice(0, MAX_REFERRER),
      (request.requestedWith ?? '').slice(0, MAX_REQUESTED_WITH),
    )
    // Only humans are counted as visitors; the IP goes into the hash and nowhere else.
    const v = entry.verdict
    let visitor: number | null = null
    if (v.label.kind === 'human' && !(d.honorDnt && request.optsOut)) {
      entry.visitorPrefix = d.visitors.prefix(v.userAgent, at, entry.visitorPrefix)
      visitor = d.visitors.finish(entry.visitorPrefix, request.ip)
    }
    const country =
      request.country !== undefined && /^[A-Za-z]{2}$/.test(request.country) ? request.country.toUpperCase() : null
    const id = d.mintId()
    d.recordClick(id, link.id, link.numericId, at, v, visitor, memoFirstLanguage(request.acceptLanguage), country)
    return id
  }
}
