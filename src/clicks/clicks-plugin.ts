import { join } from 'node:path'
import fp from 'fastify-plugin'
import type { Config } from '../config.ts'
import { createClickCapture } from './capture-click.ts'
import { createClickClassifier } from './classify/create-click-classifier.ts'
import { createClickIdMinter } from './click-id-minter.ts'
import { openClickJournal } from './click-journal.ts'
import { createClickWriter, type ClickWriter } from './click-writer.ts'
import { createVisitorHasher } from './visitor-hash.ts'

const SALT_REFRESH_MS = 10 * 60_000

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
    const writer = createClickWriter({
      pool,
      journal: openClickJournal(join(config.dataDir, 'journal')),
      log,
      ...config.clickWriter,
      afterWrite: minter.prepare,
    })
    const classify = createClickClassifier({ ownHosts: [new URL(config.publicUrl).host] })
    const capture = createClickCapture({
      classify,
      hashVisitor: visitors.hash,
      mintId: minter.next,
      record: writer.record,
      recordLoss: writer.recordLoss,
      countryHeader: config.countryHeader,
      honorDnt: config.honorDnt,
    })
    app.decorate('clicks', { capture, writer })
    // Replay what an earlier run left in the journal, without delaying start.
    if (writer.hasBacklogFromEarlierRuns()) void writer.flush()

    app.addHook('onClose', async () => {
      clearInterval(saltTimer)
      await writer.close()
    })
  },
  { name: 'clicks', dependencies: ['database'] },
)
