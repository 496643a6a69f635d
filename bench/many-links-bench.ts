import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { runMigrations } from '../src/infra/migrate.ts'
import {
  cpuSeconds,
  freePort,
  LOAD_CORE,
  median,
  pinPostgresBackends,
  postgresCpuSeconds,
  ROOT,
  verdict,
  waitForHttp,
  type LoadResult,
  ADMIN_KEY,
  CHROME,
  CONNECTIONS,
  loadResultOf,
  spawnUmbra,
} from './bench-processes.ts'
import { type ZipfLoadOptions, zipfExponentFor } from './zipf-load.ts'

const PREFIX = 'm'
const FIXED_RATE = 2_500
const CACHE_SIZE = 100_000

export type ManyLinksBenchOptions = { links: number; rounds: number; durationS: number }

/**
 * A database holding `links` links, made once and kept (`umbra_bench_links_<n>`) as the template of every
 * later run's database: seeding a million links takes a while, copying a template a second or two.
 * Links are inserted by one set-returning INSERT with triggers off (no NOTIFY per row); migrations added
 * since the template was made are applied by the server at start, on the copy.
 */
export async function linksTemplate(server: string, links: number): Promise<string> {
  const name = `umbra_bench_links_${links}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name])
    if (exists.rowCount) return name
    const building = `${name}_building`
    await admin.query(`drop database if exists ${building} with (force)`)
    await admin.query(`create database ${building}`)
    const started = performance.now()
    const pool = new pg.Pool({ connectionString: withDatabase(server, building), max: 1 })
    try {
      await runMigrations(pool)
      await pool.query(`
        set session_replication_role = replica;
        insert into links (code, url) select '${PREFIX}' || g, 'https://example.com/article/' || g from generate_series(1, ${links}) g;
        set session_replication_role = origin`)
      await pool.query('vacuum analyze links')
    } finally {
      await pool.end()
    }
    await admin.query(`alter database ${building} rename to ${name}`)
    console.log(
      `many-links: seeded ${links.toLocaleString('en')} links in ${((performance.now() - started) / 1000).toFixed(1)} s (kept as ${name})`,
    )
    return name
  } finally {
    await admin.end()
  }
}

const withDatabase = (server: string, name: string) => {
  const url = new URL(server)
  url.pathname = `/${name}`
  return url.toString()
}

/** One load run from its own process on the load core (see zipf-load.ts). */
export async function zipfLoad(o: ZipfLoadOptions): Promise<LoadResult> {
  const child = spawn(
    'taskset',
    ['-c', String(LOAD_CORE), process.execPath, '--import', 'tsx', 'bench/zipf-load.ts', JSON.stringify(o)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`zipf-load exited ${code}`)
  return loadResultOf(out)
}

async function cacheCounters(base: string) {
  const res = await fetch(`${base}/metrics`)
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`)
  const text = await res.text()
  const n = (result: string) =>
    Number(new RegExp(`^umbra_link_cache_lookups_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0)
  return { hits: n('hit'), misses: n('miss') }
}

type Measured = LoadResult & { cpuUs: number; postgresUs: number; missShare: number }

const line = (name: string, r: Measured) =>
  `  ${name.padEnd(17)} ${Math.round(r.reqPerSec).toString().padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ` +
  `cpu ${r.cpuUs.toFixed(0)} µs/req (+ Postgres ${r.postgresUs.toFixed(0)} µs)  misses ${(r.missShare * 100).toFixed(1)} %` +
  `  302s ${r.status['302'] ?? 0}${r.errors || r.timeouts ? `  errors ${r.errors} timeouts ${r.timeouts}` : ''}`

/**
 * One link vs many: the same server on a copy of the links template, loaded alternately with one hot code
 * and with codes drawn from a Zipf distribution over every link (its exponent set so a perfect cache of
 * the default 100k size misses ~20 %), first as fast as it answers, then at a fixed 2,500 req/s.
 */
export async function runManyLinksBench(database: { url: string; name: string }, o: ManyLinksBenchOptions) {
  const exponent = zipfExponentFor(o.links, CACHE_SIZE, 0.8)
  const dataDir = mkdtempSync(join(tmpdir(), 'umbra-bench-'))
  const port = await freePort()
  const umbra = spawnUmbra({
    databaseUrl: database.url,
    dataDir,
    port,
    env: { LINK_CACHE_SIZE: String(CACHE_SIZE) },
  })
  const base = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(`${base}/healthz`, 60_000)
    const made = await fetch(`${base}/api/v1/links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.com/article', code: 'bench-one' }),
    })
    if (made.status !== 201) throw new Error(`creating the one link answered ${made.status}`)
    const shape = { url: base, connections: CONNECTIONS, headers: { 'user-agent': CHROME } }
    const one = { ...shape, prefix: 'bench-one', links: 0, exponent: 0 }
    const many = { ...shape, prefix: PREFIX, links: o.links, exponent }
    const measure = async (load: ZipfLoadOptions): Promise<Measured> => {
      pinPostgresBackends(database.name, LOAD_CORE)
      const [cpu, pgCpu, cache] = [cpuSeconds(umbra.pid), postgresCpuSeconds(database.name), await cacheCounters(base)]
      const r = await zipfLoad(load)
      const after = await cacheCounters(base)
      const requests = Math.max(
        1,
        Object.values(r.status).reduce((a, b) => a + b, 0),
      )
      const lookups = after.hits + after.misses - cache.hits - cache.misses
      return {
        ...r,
        cpuUs: ((cpuSeconds(umbra.pid) - cpu) * 1e6) / requests,
        postgresUs: ((postgresCpuSeconds(database.name) - pgCpu) * 1e6) / requests,
        missShare: lookups ? (after.misses - cache.misses) / lookups : 0,
      }
    }
    console.log(
      `many-links: ${o.links.toLocaleString('en')} links, Zipf exponent ${exponent.toFixed(3)}, cache ${CACHE_SIZE.toLocaleString('en')}; ` +
        `${o.rounds} rounds of -c ${CONNECTIONS} -d ${o.durationS} each way, then at ${FIXED_RATE} req/s`,
    )
    // Warm-up: JIT, pool, and the cache filled the way the Zipf load fills it.
    await zipfLoad({ ...one, durationS: 3 })
    await zipfLoad({ ...many, durationS: Math.max(10, o.durationS) })
    const free: { one: Measured; many: Measured }[] = []
    const fixed: { one: Measured; many: Measured }[] = []
    for (const [rows, label, extra] of [
      [free, 'as fast as answered', { durationS: o.durationS }],
      [fixed, `${FIXED_RATE} req/s`, { durationS: o.durationS, overallRate: FIXED_RATE }],
    ] as const)
      for (let i = 0; i < o.rounds; i++) {
        // Alternate who goes first, so drift in the machine's load favours neither.
        const order = i % 2 === 0 ? (['one', 'many'] as const) : (['many', 'one'] as const)
        const round = {} as { one: Measured; many: Measured }
        for (const which of order) round[which] = await measure({ ...(which === 'one' ? one : many), ...extra })
        rows.push(round)
        console.log(
          `round ${i + 1} (${label})\n${line('one link', round.one)}\n${line('many links (Zipf)', round.many)}`,
        )
      }
    const ratios = free.map((r) => r.many.reqPerSec / r.one.reqPerSec)
    const summary = {
      oneReqPerSec: median(free.map((r) => r.one.reqPerSec)),
      manyReqPerSec: median(free.map((r) => r.many.reqPerSec)),
      ratio: median(ratios),
      ratioRange: [Math.min(...ratios), Math.max(...ratios)],
      fixedOneP99: median(fixed.map((r) => r.one.p99)),
      fixedManyP99: median(fixed.map((r) => r.many.p99)),
      fixedManyP99Range: [Math.min(...fixed.map((r) => r.many.p99)), Math.max(...fixed.map((r) => r.many.p99))],
      manyCpuUs: median(free.map((r) => r.many.cpuUs)),
      oneCpuUs: median(free.map((r) => r.one.cpuUs)),
      manyPostgresUs: median(fixed.map((r) => r.many.postgresUs)),
      onePostgresUs: median(fixed.map((r) => r.one.postgresUs)),
      missShare: median(free.map((r) => r.many.missShare)),
    }
    const results = [
      [
        `many links ≥ 0.5× one link (median ratio ${summary.ratio.toFixed(2)}, rounds ${summary.ratioRange.map((x) => x.toFixed(2)).join('–')}; ` +
          `${Math.round(summary.manyReqPerSec)} vs ${Math.round(summary.oneReqPerSec)} req/s, misses ${(summary.missShare * 100).toFixed(1)} %)`,
        summary.ratio >= 0.5,
      ],
      [
        `many links p99 ≤ 10 ms at ${FIXED_RATE} req/s (median ${summary.fixedManyP99} ms, rounds ${summary.fixedManyP99Range.join('–')}; one link ${summary.fixedOneP99} ms)`,
        summary.fixedManyP99 <= 10,
      ],
    ] as const
    console.log(
      `many-links medians: server CPU ${summary.oneCpuUs.toFixed(0)} → ${summary.manyCpuUs.toFixed(0)} µs a redirect, ` +
        `Postgres ${summary.onePostgresUs.toFixed(0)} → ${summary.manyPostgresUs.toFixed(0)} µs a click (at ${FIXED_RATE} req/s)`,
    )
    for (const [what, ok] of results) console.log(`${verdict(ok)}  ${what}`)
    return { summary, passed: results.every(([, ok]) => ok) }
  } finally {
    await umbra.stop('SIGTERM')
    rmSync(dataDir, { recursive: true, force: true })
  }
}
