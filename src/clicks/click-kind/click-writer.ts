import type { FastifyBaseLogger } from 'fastify'
import { createEventPipeline, type EventPipelineStats } from '../batches/event-pipeline.ts'
import type { LossReason } from '../click-record.ts'
import type { Journal } from '../journal/journal.ts'
import type { ClickVerdict } from '../verdicts/click-verdict.ts'
import { ROLLUPS } from '../rollups/rollup-keys.ts'
import { createVerdictLedger } from '../verdicts/verdict-ledger.ts'
import { clickKind } from './click-kind.ts'
import { writeClickRow } from './click-row.ts'
import { cityKey } from '../rollups/rollup-keys.ts'
import type { WriteClickBatch } from './write-click-batch.ts'

export type ClickWriterOptions = {
  journal: Journal
  writeBatch: WriteClickBatch
  log: FastifyBaseLogger
  batchSize: number
  flushMs: number
  /** Clicks whose batch rollups are kept in memory at most; batches beyond it are written the careful way. */
  bufferMax: number
  /** Person clicks per run noted for a batch observer (click-batch-observer.ts); null: none observes. */
  runLength?: number | null
  /** Runs after each committed batch (e.g. to prefetch the next id generation). */
  afterWrite?: () => Promise<void>
  /** Told about each committed batch, for the metrics. */
  onBatch?: (rows: number, seconds: number) => void
}

export type ClickWriterStats = EventPipelineStats & { lossesRecorded: Record<LossReason, number> }

/**
 * The clicks' recorder in front of the event pipeline (batches/event-pipeline.ts): a click is encoded
 * once, at capture, as a binary COPY row in this turn's journal write, with the verdict lines its batch
 * does not list yet, and counted into its batch's rollups; HEAD requests and prefetches are counted as
 * losses. Journal, batches, memory bound, drain and shutdown are the pipeline's.
 */
export function createClickWriter(o: ClickWriterOptions) {
  const ledger = createVerdictLedger()
  const pipeline = createEventPipeline(clickKind(o.writeBatch, ledger, o.runLength ?? null), o)
  const { gate } = pipeline
  const lossesRecorded: Record<LossReason, number> = { head: 0, prefetch: 0 }

  return {
    /**
     * Synchronous: the click's row joins this turn's journal write; nothing waits on the database. `linkId`
     * is the link's id as the rollups count it (text), `linkNumber` the same id as a number, for the row.
     */
    recordClick(
      id: number,
      linkId: string,
      linkNumber: number,
      at: number,
      verdict: ClickVerdict,
      visitor: number | null,
      language: string | null,
      country: string | null,
      rule: number | null = null,
      region: string | null = null,
      city: string | null = null,
    ) {
      const batch = pipeline.open()
      const end = writeClickRow(
        gate.room(),
        gate.at(),
        id,
        linkNumber,
        at,
        verdict.idHigh,
        verdict.idLow,
        visitor,
        language,
        country,
        rule,
        region,
        city,
      )
      let line = ''
      if (ledger.mustList(verdict, batch.number, at)) {
        batch.kept.verdicts.push(verdict)
        line = verdict.line
      }
      batch.summary.add(
        linkId,
        at,
        visitor,
        verdict.label,
        country,
        rule,
        city === null ? null : cityKey(country, region, city),
      )
      if (batch.kept.runs !== null && verdict.label.kind === ROLLUPS.person) batch.kept.runs.add(id, at)
      gate.append(end, line)
    },
    /** Calls send(a, b) once the clicks recorded so far are in the journal (the redirect's 302). */
    afterWrite: gate.afterWrite,
    recordLoss(linkId: string, at: number, reason: LossReason) {
      pipeline.open().kept.losses.push({ linkId, at, reason })
      lossesRecorded[reason]++
    },
    flush: pipeline.flush,
    stats: (): ClickWriterStats => ({ ...pipeline.stats(), lossesRecorded: { ...lossesRecorded } }),
    spooledBatches: pipeline.spooledBatches,
    hasBacklogFromEarlierRuns: pipeline.hasBacklogFromEarlierRuns,
    close: pipeline.close,
  }
}

export type ClickWriter = ReturnType<typeof createClickWriter>
