import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { runMigrations } from '../src/infra/migrate.ts'
import {
  freePort,
  LOAD_CORE,
  median,
  pinPostgresBackends,
  ROOT,
  SERVER_CORE,
  spawnPinned,
  verdict,
  waitForHttp,
  ADMIN_KEY,
  CHROME,
  CONNECTIONS,
  spawnUmbra,
} from './bench-processes.ts'
import { zipfLoad } from './many-links-bench.ts'

const FIXED_RATE = 2_500
const LINKS = 1_000
const DAYS = 30
const FROM = '2025-01-01T00:00:00.000Z'
const TO = new Date(Date.parse(FROM) + DAYS * 86_400_000).toISOString()

export type ExportsBenchOptions = {
  clicks: number
  rounds: number
  durationS: number
  /** Another checkout (e.g. /work/main) whose server is measured alternately with this one, on the same data. */
  baselineRoot?: string
}

// Clicks spread evenly over DAYS in id order, labels and country from a hash of the row number, and a tenth
// of the links with text a CSV writer must quote (a comma, a quote, a formula start).
const LOAD = [
  `insert into links (code, url, topics, channel, campaign)
   select 'ex-' || g, 'https://example.com/' || g, array['topic-' || g % 20, 'all'], 'channel-' || g % 8,
          case when g % 10 = 0 then '=spring, "sale"' end
   from generate_series(0, ${LINKS - 1}) g`,
  `insert into click_verdicts (id, kind, medium, app, visibility, browser, os, device)
   values (1, 'human', 'direct', null, 'dark', 'Chrome', 'Windows', 'desktop'),
          (2, 'human', 'in_app', 'instagram', 'dark', 'Instagram', 'iOS', 'mobile'),
          (3, 'human', 'search', 'google', 'public', 'Safari', 'macOS', 'desktop'),
          (4, 'bot', null, null, null, null, null, null)`,
  `insert into clicks (id, link_id, clicked_at, verdict_id, language, country)
   select g, l.id, $1::timestamptz + ((g - 1)::float8 * ${DAYS} * 86400000 / $2) * interval '1 millisecond',
          1 + abs(hashint8(g)) % 4, 'en-us', (array['FR', 'DE', 'US', null])[1 + abs(hashint8(-g)) % 4]
   from generate_series(1, $2::bigint) g
   join links l on l.code = 'ex-' || abs(hashint8(g * 7)) % ${LINKS}`,
]

export async function loadClicks(url: string, clicks: number) {
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  try {
    const started = performance.now()
    await runMigrations(pool)
    await pool.query(`select ensure_click_partitions($1::timestamptz, 2)`, [FROM])
    await pool.query(LOAD[0])
    await pool.query(LOAD[1])
    await pool.query(LOAD[2], [FROM, clicks])
    await pool.query('vacuum analyze')
    console.log(
      `exports: loaded ${clicks.toLocaleString('en')} clicks over ${DAYS} days in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    )
  } finally {
    await pool.end()
  }
}

/**
 * Reads exports of the whole range back to back until `until` settles (or one export, when it is null),
 * cut off after capS seconds: rows read (CRLF line ends after each header) and seconds spent.
 */
async function exportWhile(base: string, until: Promise<unknown> | null, capS: number) {
  const controller = new AbortController()
  const cap = setTimeout(() => controller.abort(), capS * 1000)
  let stop = false
  until?.then(() => {
    stop = true
    controller.abort()
  })
  const started = performance.now()
  let rows = 0
  let complete = 0
  try {
    do {
      const res = await fetch(`${base}/api/v1/exports/clicks.csv?from=${FROM}&to=${TO}`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
        signal: controller.signal,
      })
      if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`)
      rows-- // the header
      for await (const chunk of res.body as AsyncIterable<Uint8Array>)
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 13) rows++
      complete++
    } while (until && !stop)
  } catch (err) {
    if (!controller.signal.aborted) throw err
  } finally {
    clearTimeout(cap)
  }
  return { rows: Math.max(0, rows), seconds: (performance.now() - started) / 1000, complete }
}

type Round = {
  quietP99: number
  busyP99: number
  busyRowsPerS: number
  aloneRowsPerS: number
  complete: number
  /** The server's own event-loop delay (prom-client's, reset at each scrape): what the export costs redirects there. */
  quietLoopMaxMs: number
  busyLoopMaxMs: number
}

/** The server's event-loop delay since the last scrape (max, ms); the scrape also starts the next window. */
async function loopMaxMs(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text()
  return Number(/^umbra_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1] ?? Number.NaN) * 1000
}

/** One server (this checkout's or the baseline's) on the loaded database: its export alone, then redirects without and with it. */
async function measureServer(root: string, url: string, database: string, o: ExportsBenchOptions): Promise<Round> {
  const dataDir = mkdtempSync(join(tmpdir(), 'umbra-bench-'))
  const port = await freePort()
  const server = spawnUmbra({ root, databaseUrl: url, dataDir, port, env: { RATE_LIMIT_API_READS: '100000' } })
  const base = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(`${base}/healthz`, 60_000)
    const load = { url: base, connections: CONNECTIONS, headers: { 'user-agent': CHROME }, prefix: 'ex-1', links: 0 }
    const fixed = { ...load, exponent: 0, durationS: o.durationS, overallRate: FIXED_RATE }
    await zipfLoad({ ...fixed, durationS: 3 }) // warm-up: JIT, pool, cache
    // Capped so a slow export (the old one took minutes for 1M rows) cannot stall the run: rows/s is what it read.
    const alone = await exportWhile(base, null, Math.max(60, o.durationS * 4))
    pinPostgresBackends(database, LOAD_CORE)
    await loopMaxMs(base)
    const quiet = await zipfLoad(fixed)
    const quietLoopMaxMs = await loopMaxMs(base)
    // The load and the exports start together; exports run back to back until the load is done.
    const busyLoad = zipfLoad(fixed)
    const busyExport = exportWhile(base, busyLoad, o.durationS + 5)
    setTimeout(() => pinPostgresBackends(database, LOAD_CORE), 500)
    const [busy, during] = await Promise.all([busyLoad, busyExport])
    const busyLoopMaxMs = await loopMaxMs(base)
    return {
      quietLoopMaxMs,
      busyLoopMaxMs,
      quietP99: quiet.p99,
      busyP99: busy.p99,
      busyRowsPerS: during.rows / during.seconds,
      aloneRowsPerS: alone.rows / alone.seconds,
      complete: alone.complete,
    }
  } finally {
    await server.stop('SIGTERM')
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * Bare Fastify's p99 under the same fixed-rate load (bench/bare-fastify.ts, same core, same generator): the
 * floor this machine and load generator put under every p99 bar, measured in the same round.
 */
async function bareFixedRateP99(durationS: number): Promise<number> {
  const port = await freePort()
  const bare = spawnPinned(SERVER_CORE, 'bench/bare-fastify.ts', { PORT: String(port) })
  try {
    await waitForHttp(`http://127.0.0.1:${port}/x`)
    const load = { url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, prefix: 'ex-1', links: 0 }
    const fixed = { ...load, headers: { 'user-agent': CHROME }, exponent: 0, overallRate: FIXED_RATE }
    await zipfLoad({ ...fixed, durationS: 3 })
    return (await zipfLoad({ ...fixed, durationS })).p99
  } finally {
    await bare.stop('SIGTERM')
  }
}

const line = (name: string, r: Round) =>
  `  ${name.padEnd(9)} export alone ${Math.round(r.aloneRowsPerS).toLocaleString('en').padStart(9)} rows/s${r.complete ? '' : ' (cut off)'}` +
  `  redirect p99 at ${FIXED_RATE} req/s: ${r.quietP99} ms quiet, ${r.busyP99} ms during exports` +
  ` (${Math.round(r.busyRowsPerS).toLocaleString('en')} rows/s meanwhile); server loop delay max ${r.quietLoopMaxMs.toFixed(0)} → ${r.busyLoopMaxMs.toFixed(0)} ms`

/**
 * The click export on `clicks` rows: rows/s alone, and the redirect's p99 at a fixed 2,500 req/s with and
 * without exports running, in the same round; with a baseline checkout, its server is measured alternately.
 */
export async function runExportsBench(database: { url: string; name: string }, o: ExportsBenchOptions) {
  await loadClicks(database.url, o.clicks)
  const trees = [['this', ROOT] as const, ...(o.baselineRoot ? [['baseline', o.baselineRoot] as const] : [])]
  console.log(
    `exports: ${o.rounds} rounds; each: an export alone, then ${o.durationS} s at ${FIXED_RATE} req/s without and with exports` +
      (o.baselineRoot ? `; baseline ${o.baselineRoot} alternated` : ''),
  )
  const rounds: Record<string, Round[]> = { this: [], baseline: [] }
  const bareP99s: number[] = []
  for (let i = 0; i < o.rounds; i++) {
    const order = i % 2 === 0 ? trees : [...trees].reverse()
    const bareP99 = await bareFixedRateP99(o.durationS)
    bareP99s.push(bareP99)
    const measured: string[] = [`  bare Fastify, redirect p99 at ${FIXED_RATE} req/s: ${bareP99} ms`]
    for (const [name, root] of order) {
      const r = await measureServer(root, database.url, database.name, o)
      rounds[name].push(r)
      measured.push(line(name, r))
    }
    console.log(`round ${i + 1}\n${measured.join('\n')}`)
  }
  const summary = (rs: Round[]) => ({
    aloneRowsPerS: median(rs.map((r) => r.aloneRowsPerS)),
    busyRowsPerS: median(rs.map((r) => r.busyRowsPerS)),
    quietP99: median(rs.map((r) => r.quietP99)),
    busyP99: median(rs.map((r) => r.busyP99)),
    busyP99Range: [Math.min(...rs.map((r) => r.busyP99)), Math.max(...rs.map((r) => r.busyP99))],
    p99Ratio: median(rs.map((r) => r.busyP99 / Math.max(1, r.quietP99))),
    quietLoopMaxMs: median(rs.map((r) => r.quietLoopMaxMs)),
    busyLoopMaxMs: median(rs.map((r) => r.busyLoopMaxMs)),
  })
  const mine = summary(rounds.this)
  for (const [name, rs] of Object.entries(rounds))
    if (rs.length) {
      const s = summary(rs)
      console.log(
        `exports medians (${name}): ${Math.round(s.aloneRowsPerS).toLocaleString('en')} rows/s alone, ` +
          `${Math.round(s.busyRowsPerS).toLocaleString('en')} under load; redirect p99 ${s.quietP99} → ${s.busyP99} ms ` +
          `(rounds ${s.busyP99Range.join('–')}, ×${s.p99Ratio.toFixed(2)}); server loop delay max ${s.quietLoopMaxMs.toFixed(0)} → ${s.busyLoopMaxMs.toFixed(0)} ms`,
      )
    }
  const results = [
    [
      `export ≥ 50k rows/s (median ${Math.round(mine.aloneRowsPerS).toLocaleString('en')} alone)`,
      mine.aloneRowsPerS >= 50_000,
    ],
    [
      `redirect p99 ≤ 10 ms at ${FIXED_RATE} req/s during exports (median ${mine.busyP99} ms, rounds ${mine.busyP99Range.join('–')}; ${mine.quietP99} ms without; bare Fastify ${median(bareP99s)} ms at the same rate)`,
      mine.busyP99 <= 10,
    ],
  ] as const
  for (const [what, ok] of results) console.log(`${verdict(ok)}  ${what}`)
  return { summary: mine, passed: results.every(([, ok]) => ok) }
}
