import type { ClickVerdict } from './click-verdict.ts'

/**
 * Which verdicts Postgres has and which batch lists which: a batch lists every verdict it uses that
 * Postgres may not have yet, so replayed alone it is complete; once a committed batch carried a verdict,
 * later batches need not send it again.
 */
export function createVerdictLedger() {
  const stored = new WeakSet<ClickVerdict>()
  const listedIn = new WeakMap<ClickVerdict, number>()
  return {
    /** Whether batch `batch` must list `v` now (true once per batch, and never once Postgres has it). */
    mustList(v: ClickVerdict, batch: number): boolean {
      if (stored.has(v) || listedIn.get(v) === batch) return false
      listedIn.set(v, batch)
      return true
    },
    /** A committed batch carried these. */
    stored(verdicts: readonly ClickVerdict[]) {
      for (const v of verdicts) {
        stored.add(v)
        listedIn.delete(v)
      }
    },
  }
}

export type VerdictLedger = ReturnType<typeof createVerdictLedger>
