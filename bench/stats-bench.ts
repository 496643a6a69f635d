// npm run bench:stats: 10,000,000 clicks over 90 days generated straight into Postgres (rows, rollups, share kits,
// funnel rollups, conversions: stats-bench-data.ts), then GET /api/v1/links/:code/stats and every GET
// /api/v1/reports/* timed against a running server. BENCH_STATS_BASELINE=<checkout>: that checkout's server is
// timed on the same data, alternately with this one's. A separate command: the load takes minutes.
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { createBenchDatabase } from './bench-database.ts'
import { ADMIN_KEY, freePort, ROOT, spawnUmbra, verdict, waitForHttp } from './bench-processes.ts'
import { DAYS, loadClicks } from './stats-bench-data.ts'

const CLICKS = Number(process.env.BENCH_STATS_CLICKS ?? 10_000_000)
const REQUESTS = 300
const REPORT_REQUESTS = Number(process.env.BENCH_STATS_REPORT_REQUESTS ?? 20)
// A case stops early past this much time (a slow baseline), with the requests made so far.
const CASE_BUDGET_MS = Number(process.env.BENCH_STATS_CASE_BUDGET_S ?? 60) * 1000
const BASELINE = process.env.BENCH_STATS_BASELINE
const ROUNDS = Number(process.env.BENCH_STATS_ROUNDS ?? (BASELINE ? 2 : 1))

type Timing = { p50: number; p95: number; n: number; first: number }

async function timeGet(url: string, requests: number, budgetMs = Number.POSITIVE_INFINITY): Promise<Timing> {
  const ms: number[] = []
  const started = performance.now()
  for (let i = 0; i < requests && (i === 0 || performance.now() - started < budgetMs); i++) {
    const t0 = performance.now()
    const res = await fetch(url, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`)
    ms.push(performance.now() - t0)
  }
  const first = ms[0]
  ms.sort((a, b) => a - b)
  return { p50: ms[Math.floor(ms.length * 0.5)], p95: ms[Math.floor(ms.length * 0.95)], n: ms.length, first }
}

const since = (days: number) => `from=${new Date(Date.now() - days * 86_400_000).toISOString()}`
const STATS_CASES = [
  ['hot link, last 30 days (daily series)', '/links/stats-0/stats'],
  ['hot link, 90 days', `/links/stats-0/stats?${since(DAYS)}`],
  ['hot link, last 3 days (hourly series)', `/links/stats-0/stats?${since(3)}`],
  ['typical link, last 30 days', '/links/stats-500/stats'],
] as const
const CODES = Array.from({ length: 200 }, (_, i) => `stats-${i}`).join(',')
// Every GET /api/v1/reports/*, over 90 days unless named otherwise (content 1 holds the hot link).
const REPORT_CASES = [
  ['topics, 90 days', `/reports/topics?${since(DAYS)}`],
  ['topics, last 30 days', '/reports/topics'],
  ['topics, one campaign, 90 days', `/reports/topics?campaign=campaign-2&${since(DAYS)}`],
  ['channels, 90 days', `/reports/channels?${since(DAYS)}`],
  ['channels, one topic, 90 days', `/reports/channels?topic=topic-3&${since(DAYS)}`],
  ['channels, last 7 days', `/reports/channels?${since(7)}`],
  ['countries, 90 days', `/reports/countries?${since(DAYS)}`],
  ['cities, 90 days', `/reports/cities?${since(DAYS)}`],
  ["content (hot link's kit), 90 days", `/reports/content/1?${since(DAYS)}`],
  ['links (200 codes), 90 days', `/reports/links?codes=${CODES}&${since(DAYS)}`],
  ['funnel, topic "all", 90 days', `/reports/funnel?topic=all&${since(DAYS)}`],
  ['funnel, one content, 90 days', `/reports/funnel?content=1&${since(DAYS)}`],
  ['conversions, 90 days', `/reports/conversions?${since(DAYS)}`],
] as const

/** One server of `root` on the database: every case warmed once (its first time kept), then timed. */
async function timeServer(root: string, url: string, dataDir: string) {
  const port = await freePort()
  const server = spawnUmbra({ root, databaseUrl: url, dataDir, port, env: { RATE_LIMIT_API_READS: '100000' } })
  const base = `http://127.0.0.1:${port}/api/v1`
  const stats = new Map<string, Timing>()
  const reports = new Map<string, Timing>()
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 120_000)
    for (const [what, path] of STATS_CASES) {
      await timeGet(base + path, REQUESTS, CASE_BUDGET_MS)
      stats.set(what, await timeGet(base + path, REQUESTS, CASE_BUDGET_MS))
    }
    for (const [what, path] of REPORT_CASES) {
      const first = await timeGet(base + path, 1)
      const t = await timeGet(base + path, REPORT_REQUESTS, CASE_BUDGET_MS)
      reports.set(what, { ...t, first: first.first })
    }
  } finally {
    await server.stop()
  }
  return { stats, reports }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const ms = (x: number) => (x < 100 ? x.toFixed(1) : x.toFixed(0))

/** This tree's server and the baseline's, alternated over ROUNDS; prints each case's bar; true when all pass. */
async function timeAll(url: string): Promise<boolean> {
  const trees = [['this', ROOT] as const, ...(BASELINE ? [['baseline', BASELINE] as const] : [])]
  const runs: Record<string, Awaited<ReturnType<typeof timeServer>>[]> = { this: [], baseline: [] }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, root] of round % 2 === 0 ? trees : [...trees].reverse()) {
      const dataDir = mkdtempSync(join(tmpdir(), 'umbra-stats-'))
      try {
        runs[name].push(await timeServer(root, url, dataDir))
      } finally {
        rmSync(dataDir, { recursive: true, force: true })
      }
      console.log(
        `round ${round + 1}: ${name} timed (load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')})`,
      )
    }
  }
  const results: boolean[] = []
  // Per case and tree: p50 and p95 of each round's requests, as medians over rounds; `first`: the first request
  // of the first round (a cold cache, e.g. a range's past days counted for the first time).
  const summary = (name: string, kind: 'stats' | 'reports', what: string) => {
    const ts = runs[name].map((r) => r[kind].get(what) as Timing)
    return { p50: median(ts.map((t) => t.p50)), p95: median(ts.map((t) => t.p95)), n: ts[0].n, first: ts[0].first }
  }
  for (const [what] of STATS_CASES) {
    const t = summary('this', 'stats', what)
    const ok = t.p95 <= 20
    results.push(ok)
    const b = BASELINE ? summary('baseline', 'stats', what) : null
    console.log(
      `${verdict(ok)}  stats ≤ 20 ms p95 — ${what}: p50 ${ms(t.p50)} ms, p95 ${ms(t.p95)} ms (${t.n} requests)` +
        (b ? `; baseline p50 ${ms(b.p50)}, p95 ${ms(b.p95)} ms` : ''),
    )
  }
  for (const [what] of REPORT_CASES) {
    const t = summary('this', 'reports', what)
    const ok = t.p95 <= 500
    results.push(ok)
    const b = BASELINE ? summary('baseline', 'reports', what) : null
    console.log(
      `${verdict(ok)}  report ≤ 500 ms p95 — ${what}: p50 ${ms(t.p50)} ms, p95 ${ms(t.p95)} ms (${t.n} requests; first ${ms(t.first)} ms)` +
        (b ? `; baseline p50 ${ms(b.p50)}, p95 ${ms(b.p95)} ms (${b.n} requests; first ${ms(b.first)} ms)` : ''),
    )
  }
  return results.every(Boolean)
}

// BENCH_STATS_DATABASE=<url> times a database loaded (and kept) by an earlier run instead; the server applies
// newer migrations at start. BENCH_STATS_LOAD_ONLY=1 loads and keeps a database and times nothing.
const reused = process.env.BENCH_STATS_DATABASE
const loadOnly = Boolean(process.env.BENCH_STATS_LOAD_ONLY)
const database = reused
  ? { url: reused, drop: async () => {}, keep: async () => {} }
  : await createBenchDatabase('umbra_stats')
const pool = new pg.Pool({ connectionString: database.url, max: 2 })
let passed = false
try {
  if (!reused) await loadClicks(pool, CLICKS)
  if (!loadOnly) passed = await timeAll(database.url)
} finally {
  await pool.end()
  // BENCH_STATS_KEEP=1 keeps the loaded database for EXPLAIN ANALYZE (drop it by hand afterwards).
  if (process.env.BENCH_STATS_KEEP || reused || loadOnly) {
    console.log(`kept ${database.url}`)
    await database.keep()
  } else await database.drop()
}
console.log(passed ? 'bench:stats: all bars PASS' : 'bench:stats: some bars FAIL')
process.exitCode = passed ? 0 : 1
