// npm run bench: redirect (bare Fastify vs Umbra) and ingest, on a fresh database that is dropped afterwards.
import { loadConfig } from '../src/config.ts'
import { createBenchDatabase } from './bench-database.ts'
import { runIngestBench } from './ingest-bench.ts'
import { runRedirectBench } from './redirect-bench.ts'

const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const durationS = Number(process.env.BENCH_DURATION_S ?? 10)
const only = process.argv[2]

const database = await createBenchDatabase()
let passed = true
try {
  if (!only || only === 'redirect') passed = (await runRedirectBench({ databaseUrl: database.url, databaseName: database.name, rounds, durationS })).passed && passed
  if (!only || only === 'ingest')
    passed = (await runIngestBench({ databaseUrl: database.url, databaseName: database.name, clicks: Number(process.env.BENCH_INGEST_CLICKS ?? 1_000_000), batchSize: Number(process.env.BENCH_INGEST_BATCH ?? loadConfig({ DATABASE_URL: database.url }).clickWriter.batchSize), links: 1_000 })).passed && passed
} finally {
  await database.drop()
}
console.log(passed ? 'bench: all bars PASS' : 'bench: some bars FAIL')
process.exitCode = passed ? 0 : 1
