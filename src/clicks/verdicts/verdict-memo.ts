import type { ClickClassifier } from '../classify/create-click-classifier.ts'
import { verdictKey } from '../classify/create-click-classifier.ts'
import { createTwoGenerationMemo } from '../../infra/two-generation-memo.ts'
import type { VisitorPrefix } from '../visitor-hash.ts'
import { createClickVerdict, type ClickVerdict } from './click-verdict.ts'

const VERDICT_MEMO_MAX = 10_000

/** A memoised verdict and capture's visitor hashing state after its user agent (for one day; capture replaces it). */
export type VerdictEntry = { readonly verdict: ClickVerdict; visitorPrefix: VisitorPrefix | null }

/**
 * The one memo of the redirect path: request context (user agent, referrer, X-Requested-With, already
 * cut to their maximum lengths) → its verdict, labelled and named once. User agents repeat, so a
 * repeated context costs one lookup.
 */
export function createVerdictMemo(label: ClickClassifier, max = VERDICT_MEMO_MAX, contextVersion?: () => number) {
  let memo = createTwoGenerationMemo<string, VerdictEntry>(max)
  let version = contextVersion?.() ?? 0
  return function verdictOf(ua: string, referrer: string, requestedWith: string): VerdictEntry {
    // The classifier's context changed (a short domain added or removed: which referrers are internal).
    if (contextVersion !== undefined && contextVersion() !== version) {
      version = contextVersion()
      memo = createTwoGenerationMemo<string, VerdictEntry>(max)
    }
    const key = verdictKey(ua, referrer, requestedWith)
    let entry = memo.get(key)
    if (entry === undefined) {
      const labels = label({ ua, referrer, requestedWith })
      entry = { verdict: createClickVerdict(ua, referrer, requestedWith, labels), visitorPrefix: null }
      memo.set(key, entry)
    }
    return entry
  }
}
