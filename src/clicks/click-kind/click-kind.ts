import type { EventKind, RowCodec } from '../batches/event-kind.ts'
import type { LossRecord } from '../click-record.ts'
import type { BatchRollups } from '../rollups/batch-rollups.ts'
import { createBatchRollups } from '../rollups/batch-rollups.ts'
import { VERDICT_COLUMNS, type ClickVerdict } from '../verdicts/click-verdict.ts'
import type { VerdictLedger } from '../verdicts/verdict-ledger.ts'
import { MAX_CLICK_ROW_BYTES, scanClickRows } from './click-row.ts'
import { createPersonRuns, type PersonRuns } from './person-runs.ts'
import type { WriteClickBatch } from './write-click-batch.ts'

/**
 * What a click batch keeps until it commits: the requests that were not clicks, the verdicts it lists,
 * and its person clicks' runs while someone observes batches (null otherwise).
 */
export type ClickKept = { losses: LossRecord[]; verdicts: ClickVerdict[]; runs: PersonRuns | null }

/** How the journal reads click rows and their verdict lines back. */
export const clickKindCodec: RowCodec = {
  name: 'click',
  maxRowBytes: MAX_CLICK_ROW_BYTES,
  scanRows: scanClickRows,
  side: { extension: 'verdicts', fields: VERDICT_COLUMNS.length },
}

/**
 * Clicks as the first kind of event through the journal, batches and drain: rows as click-row.ts encodes
 * them, verdict lines beside them, rollups counted in memory as a fresh batch's summary, and
 * write-click-batch.ts to write a batch.
 */
export function clickKind(
  writeBatch: WriteClickBatch,
  ledger: VerdictLedger,
  runLength: number | null = null,
): EventKind<BatchRollups, ClickKept> {
  return {
    ...clickKindCodec,
    newSummary: createBatchRollups,
    newKept: () => ({ losses: [], verdicts: [], runs: runLength === null ? null : createPersonRuns(runLength) }),
    sideLinesOf: (kept) => kept.verdicts.map((v) => v.line).join(''),
    keepsAnything: (kept) => kept.losses.length > 0,
    writeBatch: (b) =>
      writeBatch({
        rows: b.rows,
        verdicts: b.side,
        count: b.count,
        losses: b.kept.losses,
        rollups: b.summary,
        personRuns: b.kept.runs,
      }),
    committed: (kept) => ledger.stored(kept.verdicts),
  }
}
