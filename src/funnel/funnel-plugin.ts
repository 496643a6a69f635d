import { join } from 'node:path'
import fp from 'fastify-plugin'
import { createClickIdMinter } from '../clicks/capture/click-id-minter.ts'
import { createEventPipeline } from '../clicks/batches/event-pipeline.ts'
import { openJournal } from '../clicks/journal/journal.ts'
import { startPipelineReadiness } from '../clicks/batches/pipeline-readiness.ts'
import type { Config } from '../config.ts'
import type { FunnelEvent } from './funnel-event.ts'
import { funnelKind, funnelKindCodec } from './funnel-kind.ts'
import type { FunnelRecorder } from './funnel-recorder.ts'
import { writeFunnelRow } from './funnel-row.ts'
import { createFunnelBatchWriter } from './write-funnel-batch.ts'

declare module 'fastify' {
  interface FastifyInstance {
    funnel: { recorder: FunnelRecorder; mintId: () => number; flush: () => Promise<void> }
  }
}

/**
 * The share funnel's events from beacon to rows: ids minted like click ids, each event a binary COPY row
 * in its own journal (DATA_DIR/funnel-journal), batched and drained by the clicks' event pipeline with the
 * clicks' batch settings; replayed at start, flushed on close.
 */
export const funnelPlugin = fp(
  async (app, { config }: { config: Config }) => {
    const log = app.log.child({ component: 'funnel' })
    const minter = await createClickIdMinter(app.pg.pool)
    const pipeline = createEventPipeline(funnelKind(createFunnelBatchWriter(app.pg.pool)), {
      journal: openJournal(join(config.dataDir, 'funnel-journal'), funnelKindCodec),
      log,
      ...config.clickWriter,
      afterWrite: minter.prepare,
    })
    const { gate } = pipeline
    const recorder: FunnelRecorder = {
      record(event: FunnelEvent) {
        const end = writeFunnelRow(gate.room(), gate.at(), event)
        pipeline.open().summary.add(event)
        gate.append(end, '')
      },
      afterWrite: gate.afterWrite,
    }
    app.decorate('funnel', { recorder, mintId: minter.next, flush: pipeline.flush })
    startPipelineReadiness(app, 'funnel', pipeline, config.clickWriter.bufferMax)
    app.addHook('onClose', () => pipeline.close())
  },
  { name: 'funnel', dependencies: ['database', 'health'] },
)
