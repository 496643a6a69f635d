import type { DescribedClassification } from '../classify/classification.ts'
import { LABEL_FIELDS } from '../rollups/rollup-keys.ts'
import { createClickVerdict, type VERDICT_COLUMNS, type ClickVerdict } from '../verdicts/click-verdict.ts'

/** A stored verdict as reclassification reads it (a row of click_verdicts). */
export type StoredVerdict = { [C in (typeof VERDICT_COLUMNS)[number]]: string | null } & { id: string; kind: string }

export type VerdictChange = { from: StoredVerdict; to: ClickVerdict }

/**
 * The verdicts the current rules would label differently, each with the verdict that replaces it (same
 * request context, new labels, so a new id); verdicts the rules agree with are left alone.
 */
export function findVerdictChanges(
  verdicts: readonly StoredVerdict[],
  classify: (v: StoredVerdict) => DescribedClassification,
): VerdictChange[] {
  const changes: VerdictChange[] = []
  for (const from of verdicts) {
    const next = classify(from)
    if (LABEL_FIELDS.every((k) => (from[k] ?? null) === (next[k] ?? null))) continue
    changes.push({
      from,
      to: createClickVerdict(from.user_agent ?? '', from.referrer ?? '', from.requested_with ?? '', next),
    })
  }
  return changes
}
