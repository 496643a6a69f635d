import type { FastifyInstance } from 'fastify'
import type { EventPipelineStats } from './event-pipeline.ts'

/** What a kind's plugin hands over: its pipeline, or a recorder wrapping one (the click writer). */
export type RunningPipeline = {
  stats(): EventPipelineStats
  spooledBatches(): number
  hasBacklogFromEarlierRuns(): boolean
  flush(): Promise<void>
}

/**
 * What every event kind's plugin does once its pipeline runs: replay what an earlier run left in the
 * journal (without delaying start), and tell /readyz under the kind's name. Not ready while the backlog is
 * beyond what memory holds or batches wait on disk only.
 */
export function startPipelineReadiness(app: FastifyInstance, name: string, p: RunningPipeline, bufferMax: number) {
  if (p.hasBacklogFromEarlierRuns()) void p.flush()
  app.readiness.add(name, () => {
    const s = p.stats()
    const spooledBatches = p.spooledBatches()
    return {
      ready: s.backlog < bufferMax && spooledBatches === 0,
      report: {
        backlog: s.backlog,
        onDisk: s.spooled,
        spooledBatches,
        written: s.written,
        databaseHealthy: s.databaseHealthy,
      },
    }
  })
}
