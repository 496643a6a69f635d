import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import pino from 'pino'
import { clickKindCodec } from '../src/clicks/click-kind/click-kind.ts'
import { openJournal } from '../src/clicks/journal/journal.ts'
import { createClickWriter } from '../src/clicks/click-kind/click-writer.ts'
import { createClickBatchWriter } from '../src/clicks/click-kind/write-click-batch.ts'
import type { Config } from '../src/config.ts'
import { runMigrations } from '../src/infra/migrate.ts'
import { clickCounts, rollupMismatches } from '../test/support/click-accounting.ts'
import { postgresCpuSeconds, verdict } from './bench-processes.ts'
import { syntheticClicks } from './synthetic-clicks.ts'

export type IngestBenchOptions = {
  databaseUrl: string
  databaseName: string
  clicks: number
  clickWriter: Config['clickWriter']
  links: number
}

// Clicks recorded per turn of the event loop, as a busy redirect server sees them.
const PER_TURN = 500

/**
 * The click writer as the server runs it (journal, batches, COPY, rollups), fed synthetic clicks as fast
 * as it takes them; reports clicks written per second, rollups included, and checks the rollups.
 */
export async function runIngestBench(o: IngestBenchOptions) {
  const pool = new pg.Pool({ connectionString: o.databaseUrl, max: 4 })
  const dataDir = mkdtempSync(join(tmpdir(), 'umbra-ingest-'))
  try {
    await runMigrations(pool)
    const { rows } = await pool.query(
      `insert into links (code, url) select 'ingest-' || g, 'https://example.com/' || g from generate_series(1, $1::int) g returning id`,
      [o.links],
    )
    const linkIds = rows.map((r) => String(r.id))
    const clicks = syntheticClicks(o.clicks, { linkIds, firstId: 2 ** 40, at: Date.now() - 3_600_000 })
    const writer = createClickWriter({
      journal: openJournal(join(dataDir, 'journal'), clickKindCodec),
      writeBatch: createClickBatchWriter(pool),
      log: pino({ level: 'warn' }),
      ...o.clickWriter,
    })
    const pgCpu = postgresCpuSeconds(o.databaseName)
    const nodeCpu = process.cpuUsage()
    const started = performance.now()
    let inTurn = 0
    for (const c of clicks) {
      writer.recordClick(c.id, c.linkId, Number(c.linkId), c.at, c.verdict, c.visitor, 'en-us', null)
      if (++inTurn < PER_TURN) continue
      inTurn = 0
      // Let the turn's journal write and any batch I/O happen, as between two polls of a server.
      await new Promise((r) => setImmediate(r))
      // Backpressure for the bench only: do not run further ahead of Postgres than the clicks whose rollups the writer keeps in memory.
      while (writer.stats().backlog > o.clickWriter.bufferMax) await new Promise((r) => setTimeout(r, 2))
    }
    await writer.flush()
    while (writer.stats().written < o.clicks && writer.stats().failures === 0) {
      await writer.flush()
      await new Promise((r) => setTimeout(r, 5))
    }
    const seconds = (performance.now() - started) / 1000
    const pgUs = ((postgresCpuSeconds(o.databaseName) - pgCpu) * 1e6) / o.clicks
    const node = process.cpuUsage(nodeCpu)
    const nodeUs = (node.user + node.system) / o.clicks
    const stats = writer.stats()
    await writer.close()
    const rate = stats.written / seconds
    const counts = await clickCounts(pool, linkIds)
    const mismatches = await rollupMismatches(pool, linkIds)
    console.log(
      `ingest: ${stats.written} clicks over ${o.links} links in ${seconds.toFixed(1)} s = ${Math.round(rate)} clicks/s, ` +
        `${stats.batches} batches of ≤ ${o.clickWriter.batchSize} (${stats.spilled} clicks spilled to the careful path); CPU per click: Postgres ${pgUs.toFixed(1)} µs, writer (encode, journal, rollups, COPY) ${nodeUs.toFixed(1)} µs`,
    )
    console.log(`disk per million clicks: ${await diskPerMillion(pool, o.clicks)}`)
    const results = [
      [`ingest ≥ 150,000 clicks/s written including rollups (${Math.round(rate)} clicks/s)`, rate >= 150_000],
      [
        `every click written once: ${counts.clicks} rows of ${o.clicks}, ${counts.duplicated} duplicated ids`,
        counts.clicks === o.clicks && counts.duplicated === 0,
      ],
      [
        `rollups equal a recount from clicks (${mismatches.length} mismatches${mismatches.length ? `: ${mismatches.slice(0, 3).join('; ')}` : ''})`,
        mismatches.length === 0,
      ],
    ] as const
    for (const [what, ok] of results) console.log(`${verdict(ok)}  ${what}`)
    return { rate, pgUs, nodeUs, passed: results.every(([, ok]) => ok) }
  } finally {
    // end() resolves before its sockets close: one still closing when the bench database is dropped errs.
    pool.on('error', () => {})
    await pool.end()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

// On-disk size (tables, indexes, TOAST) of the raw clicks, their verdicts and the rollups, per million clicks.
const SIZES = `
select (select coalesce(sum(pg_total_relation_size(inhrelid)), 0) from pg_inherits where inhparent = 'clicks'::regclass)::float8 as raw,
       pg_total_relation_size('click_verdicts')::float8 as verdicts,
       (pg_total_relation_size('click_rollups_hourly') + pg_total_relation_size('click_dimensions_daily'))::float8 as rollups,
       (pg_total_relation_size('link_visitors_daily') + pg_total_relation_size('link_uniques_daily'))::float8 as visitors`

async function diskPerMillion(pool: pg.Pool, clicks: number): Promise<string> {
  await pool.query('checkpoint')
  const r = (await pool.query(SIZES)).rows[0]
  const mb = (bytes: number) => `${((bytes / 1024 / 1024) * (1_000_000 / clicks)).toFixed(0)} MB`
  return `raw clicks ${mb(r.raw)}, verdicts ${mb(r.verdicts)}, rollups ${mb(r.rollups)}, visitor-days ${mb(r.visitors)}`
}
