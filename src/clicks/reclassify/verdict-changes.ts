import type { DescribedClassification } from '../classify/classification.ts'
import { createClickVerdict, type ClickVerdict } from '../click-verdict.ts'

/** A stored verdict as reclassification reads it (a row of click_verdicts). */
export type StoredVerdict = {
  id: string
  user_agent: string | null
  referrer: string | null
  requested_with: string | null
  kind: string
  medium: string | null
  app: string | null
  visibility: string | null
  browser: string | null
  os: string | null
  device: string | null
}

export type VerdictChange = { from: StoredVerdict; to: ClickVerdict }

const LABELS = ['kind', 'medium', 'app', 'visibility', 'browser', 'os', 'device'] as const

/**
 * The verdicts the current rules would label differently, each with the verdict that replaces it (same
 * request context, new labels, so a new id); verdicts the rules agree with are left alone.
 */
export function findVerdictChanges(verdicts: readonly StoredVerdict[], classify: (v: StoredVerdict) => DescribedClassification): VerdictChange[] {
  const changes: VerdictChange[] = []
  for (const from of verdicts) {
    const next = classify(from)
    if (LABELS.every((k) => (from[k] ?? null) === (next[k] ?? null))) continue
    changes.push({ from, to: createClickVerdict(from.user_agent ?? '', from.referrer ?? '', from.requested_with ?? '', next) })
  }
  return changes
}
