import { join } from 'node:path'
import fp from 'fastify-plugin'
import type { Config } from '../config.ts'
import { loadServerSecret } from '../infra/server-secret.ts'
import { createClickCapture } from './capture/capture-click.ts'
import { createClickIdMinter } from './capture/click-id-minter.ts'
import { classifyContextFor, createClickLabeler } from './classify/create-click-classifier.ts'
import type { ClickBatchObserver } from './click-kind/click-batch-observer.ts'
import { clickKindCodec } from './click-kind/click-kind.ts'
import { createClickWriter, type ClickWriter } from './click-kind/click-writer.ts'
import { createClickBatchWriter } from './click-kind/write-click-batch.ts'
import { startPipelineReadiness } from './batches/pipeline-readiness.ts'
import { registerClickMetrics } from './click-metrics.ts'
import { openJournal } from './journal/journal.ts'
import { createVisitorHasher } from './visitor-hash.ts'

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
  async (
    app,
    {
      config,
      ownHosts,
      ownHostsVersion,
      batchObserver = null,
    }: {
      config: Config
      ownHosts?: readonly string[]
      ownHostsVersion?: () => number
      batchObserver?: ClickBatchObserver | null
    },
  ) => {
    const pool = app.pg.pool
    const log = app.log.child({ component: 'clicks' })
    const minter = await createClickIdMinter(pool)
    const visitors = createVisitorHasher(loadServerSecret(config))
    const ensurePartitions = () =>
      pool.query(ENSURE_PARTITIONS).catch((err) => log.warn({ err }, 'could not add monthly click partitions'))
    await ensurePartitions()
    const partitionTimer = setInterval(() => void ensurePartitions(), PARTITION_CHECK_MS).unref()
    let metrics: ReturnType<typeof registerClickMetrics> | undefined
    const writer = createClickWriter({
      journal: openJournal(join(config.dataDir, 'journal'), clickKindCodec),
      writeBatch: createClickBatchWriter(pool, batchObserver),
      runLength: batchObserver?.runLength ?? null,
      log,
      ...config.clickWriter,
      afterWrite: minter.prepare,
      onBatch: (rows, seconds) => metrics?.observeBatch(rows, seconds),
    })
    if (app.hasDecorator('metrics')) metrics = registerClickMetrics(app.metrics.registry, writer.stats)
    const classify = createClickLabeler(classifyContextFor({ ...config, ownHosts }))
    const capture = createClickCapture({
      classify,
      visitors,
      mintId: minter.next,
      recordClick: writer.recordClick,
      recordLoss: writer.recordLoss,
      honorDnt: config.honorDnt,
      contextVersion: ownHostsVersion,
    })
    app.decorate('clicks', { capture, writer })
    startPipelineReadiness(app, 'clicks', writer, config.clickWriter.bufferMax)

    app.addHook('onClose', async () => {
      clearInterval(partitionTimer)
      await writer.close()
    })
  },
  { name: 'clicks', dependencies: ['database', 'health'] },
)
