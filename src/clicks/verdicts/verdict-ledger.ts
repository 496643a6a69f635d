import type { ClickVerdict } from './click-verdict.ts'

const DAY_MS = 86_400_000

/**
 * Which verdicts Postgres has and which batch lists which: a batch lists every verdict it uses that
 * Postgres may not have yet, so replayed alone it is complete; once a committed batch carried a verdict,
 * later batches need not send it again that UTC day. Each day a verdict in use is listed once more, which
 * moves its click_verdicts.listed_on forward: the collector (retention/collect-verdicts.ts) leaves alone
 * every verdict listed in the last days, so it never deletes one a running writer takes as stored.
 */
export function createVerdictLedger() {
  const storedOn = new WeakMap<ClickVerdict, number>()
  const listedIn = new WeakMap<ClickVerdict, { batch: number; day: number }>()
  return {
    /**
     * Whether batch `batch` must list `v` for a click at `at` (ms): once per batch, and not again for clicks
     * of a UTC day a committed batch listed it for (Postgres then has it, listed that day or later).
     */
    mustList(v: ClickVerdict, batch: number, at: number): boolean {
      const day = Math.floor(at / DAY_MS)
      if (storedOn.get(v) === day || listedIn.get(v)?.batch === batch) return false
      listedIn.set(v, { batch, day })
      return true
    },
    /** A committed batch carried these. */
    stored(verdicts: readonly ClickVerdict[]) {
      for (const v of verdicts) {
        const listed = listedIn.get(v)
        if (listed) storedOn.set(v, listed.day)
        listedIn.delete(v)
      }
    },
  }
}

export type VerdictLedger = ReturnType<typeof createVerdictLedger>
