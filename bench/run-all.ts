// npm run bench: redirect (bare Fastify vs Umbra), many links (one link vs 1M under a Zipf load) and ingest, each on a fresh database dropped afterwards
// (so the ingest bench does not write into tables the redirect bench just filled and autovacuum is busy with).
import { loadConfig } from '../src/config.ts'
import { BENCH_DATABASE_SERVER, createBenchDatabase } from './bench-database.ts'
import { runBeaconsBench } from './beacons-bench.ts'
import { runExportsBench } from './exports-bench.ts'
import { runIngestBench } from './ingest-bench.ts'
import { linksTemplate, runManyLinksBench } from './many-links-bench.ts'
import { runMemoryBench } from './memory-bench.ts'
import { runRedirectBench } from './redirect-bench.ts'

const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const durationS = Number(process.env.BENCH_DURATION_S ?? 10)
const only = process.argv[2]

/** Runs one bench on a database of its own. */
async function onFreshDatabase(
  bench: (database: { url: string; name: string }) => Promise<{ passed: boolean }>,
  template?: string,
) {
  const database = await createBenchDatabase('umbra_bench', template)
  try {
    return (await bench(database)).passed
  } finally {
    await database.drop()
  }
}

let passed = true
// `rules`: the redirect bench with a round for a link carrying five rules in each round; `webhooks`: with a
// round for the plain link while a webhook is subscribed to clicks.
if (!only || only === 'redirect' || only === 'rules' || only === 'webhooks')
  passed =
    (await onFreshDatabase((d) =>
      runRedirectBench({
        databaseUrl: d.url,
        databaseName: d.name,
        rounds,
        durationS,
        withRules: only === 'rules',
        webhookClicks: only === 'webhooks',
      }),
    )) && passed
if (!only || only === 'many-links') {
  // BENCH_LINKS: how many links (1M by default); their database is seeded once and kept as a template.
  const links = Number(process.env.BENCH_LINKS ?? 1_000_000)
  const template = await linksTemplate(BENCH_DATABASE_SERVER, links)
  passed = (await onFreshDatabase((d) => runManyLinksBench(d, { links, rounds, durationS }), template)) && passed
}
if (!only || only === 'ingest')
  passed =
    (await onFreshDatabase((d) =>
      runIngestBench({
        databaseUrl: d.url,
        databaseName: d.name,
        clicks: Number(process.env.BENCH_INGEST_CLICKS ?? 1_000_000),
        // The writer's settings as the server would load them on this database (BENCH_INGEST_BATCH overrides the batch cap).
        clickWriter: loadConfig({ DATABASE_URL: d.url, CLICK_BATCH_SIZE: process.env.BENCH_INGEST_BATCH }).clickWriter,
        links: 1_000,
      }),
    )) && passed
if (!only || only === 'beacons')
  passed =
    (await onFreshDatabase((d) => runBeaconsBench({ databaseUrl: d.url, databaseName: d.name, rounds, durationS }))) &&
    passed
// `exports`: not in the default run (loading a million clicks takes a while). BENCH_EXPORTS_BASELINE=<checkout>
// measures that checkout's server alternately on the same data.
if (only === 'exports')
  passed =
    (await onFreshDatabase((d) =>
      runExportsBench(d, {
        clicks: Number(process.env.BENCH_EXPORT_CLICKS ?? 1_000_000),
        rounds,
        durationS,
        baselineRoot: process.env.BENCH_EXPORTS_BASELINE,
      }),
    )) && passed
if (only === 'memory') passed = (await runMemoryBench()) && passed
console.log(passed ? 'bench: all bars PASS' : 'bench: some bars FAIL')
process.exitCode = passed ? 0 : 1
