import { join } from 'node:path'
import fp from 'fastify-plugin'
import type { Config } from '../config.ts'
import { databaseKind } from '../infra/database.ts'
import { createClickCapture } from './capture-click.ts'
import { classifyContextFor, createClickClassifier } from './classify/create-click-classifier.ts'
import { createClickIdMinter } from './click-id-minter.ts'
import { registerClickMetrics } from './click-metrics.ts'
import { openClickJournal } from './click-journal.ts'
import { createClickWriter, type ClickWriter } from './click-writer.ts'
import { createVisitorHasher } from './visitor-hash.ts'
import { createClickBatchWriter } from './write-click-batch.ts'

const SALT_REFRESH_MS = 10 * 60_000
// Monthly click partitions are made ahead: this month and the next two, checked at start and then daily.
const PARTITION_CHECK_MS = 24 * 3_600_000
const ENSURE_PARTITIONS = `select ensure_click_partitions(now(), 3)`

declare module 'fastify' {
  interface FastifyInstance {
    clicks: { capture: ReturnType<typeof createClickCapture>; writer: ClickWriter }
  }
}

/** From request to rows: classifier, visitor hash, click ids, journal and the batch writer; flushed on close. */
export const clicksPlugin = fp(
  async (app, { config }: { config: Config }) => {
    const pool = app.pg.pool
    const log = app.log.child({ component: 'clicks' })
    const minter = await createClickIdMinter(pool)
    const visitors = await createVisitorHasher(pool, log)
    const saltTimer = setInterval(() => void visitors.refresh(), SALT_REFRESH_MS).unref()
    const ensurePartitions = () => pool.query(ENSURE_PARTITIONS).catch((err) => log.warn({ err }, 'could not add monthly click partitions'))
    await ensurePartitions()
    const partitionTimer = setInterval(() => void ensurePartitions(), PARTITION_CHECK_MS).unref()
    let metrics: ReturnType<typeof registerClickMetrics> | undefined
    const writer = createClickWriter({
      journal: openClickJournal(join(config.dataDir, 'journal')),
      writeBatch: createClickBatchWriter(pool, databaseKind(config)),
      log,
      ...config.clickWriter,
      afterWrite: minter.prepare,
      onBatch: (rows, seconds) => metrics?.observeBatch(rows, seconds),
    })
    if (app.hasDecorator('metrics')) metrics = registerClickMetrics(app.metrics.registry, writer.stats)
    const classify = createClickClassifier(classifyContextFor(config))
    const capture = createClickCapture({
      classify,
      visitors,
      mintId: minter.next,
      recordClick: writer.recordClick,
      recordLoss: writer.recordLoss,
      honorDnt: config.honorDnt,
    })
    app.decorate('clicks', { capture, writer })
    // Replay what an earlier run left in the journal, without delaying start.
    if (writer.hasBacklogFromEarlierRuns()) void writer.flush()

    app.addHook('onClose', async () => {
      clearInterval(saltTimer)
      clearInterval(partitionTimer)
      await writer.close()
    })
  },
  { name: 'clicks', dependencies: ['database'] },
)
