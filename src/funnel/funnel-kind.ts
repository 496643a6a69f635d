import type { EventKind, RowCodec } from '../clicks/batches/event-kind.ts'
import { createFunnelRollups, type FunnelRollups } from './funnel-rollups.ts'
import { MAX_FUNNEL_ROW_BYTES, scanFunnelRows } from './funnel-row.ts'
import type { createFunnelBatchWriter } from './write-funnel-batch.ts'

/** How the journal reads funnel rows back: no side lines (an event needs nothing Postgres may lack). */
export const funnelKindCodec: RowCodec = { name: 'funnel', maxRowBytes: MAX_FUNNEL_ROW_BYTES, scanRows: scanFunnelRows }

/**
 * Beacons as the second kind of event through the journal, batches and drain: rows as funnel-row.ts
 * encodes them, rollups counted in memory as a fresh batch's summary, write-funnel-batch.ts to write one.
 */
export function funnelKind(writeBatch: ReturnType<typeof createFunnelBatchWriter>): EventKind<FunnelRollups, null> {
  return {
    ...funnelKindCodec,
    newSummary: createFunnelRollups,
    newKept: () => null,
    sideLinesOf: () => '',
    keepsAnything: () => false,
    writeBatch: (b) => writeBatch({ rows: b.rows, count: b.count, rollups: b.summary }),
    committed: () => {},
  }
}
