import type { Unjournaled } from '../journal/journal-gate.ts'
import type { EventKind } from './event-kind.ts'

/**
 * The batch events join as they are recorded: its number (the clicks kind lists a verdict once per batch
 * by it), its count, its summary and what it keeps, and what the disk refused of it. Sealed by the spool.
 */
export type OpenBatch<Summary, Kept> = {
  readonly number: number
  count: number
  readonly summary: Summary
  readonly kept: Kept
  unjournaled: Unjournaled[] | null
}

export const openBatch = <S, K>(kind: EventKind<S, K>, number: number): OpenBatch<S, K> => ({
  number,
  count: 0,
  summary: kind.newSummary(),
  kept: kind.newKept(),
  unjournaled: null,
})
