import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { Agent, request } from 'node:http'
import { ADMIN_KEY } from '../support/test-app.ts'
import { NPM_START_NODE_ARGS } from '../support/npm-start.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const auth = { authorization: `Bearer ${ADMIN_KEY}` }

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// Servers this test file started: killed when it ends, even by a timeout, so none outlives the run.
const started = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL')
})

export type UmbraProcess = {
  base: string
  pid: number
  dataDir: string
  child: ChildProcess
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  output: () => string
}

/** The server as `npm start` runs it, on 127.0.0.1 and a free port; resolves once /healthz answers. */
export async function startUmbra(
  env: { DATABASE_URL: string; DATA_DIR: string } & Record<string, string>,
): Promise<UmbraProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, [...NPM_START_NODE_ARGS, 'src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ADMIN_API_KEY: ADMIN_KEY,
      CLICK_FLUSH_MS: '50',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.add(child)
  child.once('exit', () => started.delete(child))
  let output = ''
  child.stdout!.on('data', (d) => (output = (output + d).slice(-20_000)))
  child.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`umbra exited with ${child.exitCode} at start:\n${output}`)
    try {
      if ((await fetch(`${base}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`umbra did not start within 30 s:\n${output}`)
    await sleep(100)
  }
  return { base, pid: child.pid!, dataDir: env.DATA_DIR, child, exited, output: () => output }
}

export async function createLink(base: string, code: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/links`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `https://example.com/${code}`, code }),
  })
  if (res.status !== 201) throw new Error(`creating ${code} answered ${res.status}: ${await res.text()}`)
  return code
}

export type Readiness = {
  status: number
  clicks: { backlog: number; onDisk: number; spooledBatches: number; written: number; databaseHealthy: boolean }
}

export async function readiness(base: string): Promise<Readiness> {
  const res = await fetch(`${base}/readyz`)
  return { ...((await res.json()) as Omit<Readiness, 'status'>), status: res.status }
}

/** Polls until every click of the instance is written (journal replay included). */
export async function waitUntilDrained(base: string, timeoutMs = 30_000): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const r = await readiness(base).catch(() => null)
    if (r && r.status === 200 && r.clicks.backlog === 0 && r.clicks.spooledBatches === 0) return r
    if (Date.now() > deadline) throw new Error(`clicks did not drain within ${timeoutMs} ms: ${JSON.stringify(r)}`)
    await sleep(100)
  }
}

/** What became of each request of a load, by its referrer (unique per request, so each click row names its request). */
export type LoadOutcome = { redirected: string[]; failed: string[]; other: Map<string, number> }

/**
 * A bounded request loop against 127.0.0.1: `workers` concurrent loops over the targets, each request
 * with a unique Referer, until stop() or maxRequests. Each request ends as a 302, another status, or an
 * error (connection refused or reset: the server was stopped or killed while it was in flight).
 */
export function startLoad(o: {
  tag: string
  targets: { base: string; code: string }[]
  workers: number
  maxRequests: number
}) {
  const redirected: string[] = []
  const failed: string[] = []
  const other = new Map<string, number>()
  const agent = new Agent({ keepAlive: true, maxSockets: o.workers })
  let next = 0
  let stopped = false
  const waiters: { n: number; resolve: () => void }[] = []
  const notify = () => {
    for (let i = waiters.length - 1; i >= 0; i--)
      if (redirected.length >= waiters[i].n) {
        waiters[i].resolve()
        waiters.splice(i, 1)
      }
  }
  async function worker(w: number) {
    while (!stopped && next < o.maxRequests) {
      const n = next++
      const target = o.targets[(n + w) % o.targets.length]
      const referrer = `http://load.test/${o.tag}/${n}`
      try {
        const status = await get(`${target.base}/${target.code}`, referrer, agent)
        if (status === 302) redirected.push(referrer)
        else other.set(referrer, status)
      } catch {
        failed.push(referrer)
        await sleep(20)
      }
      notify()
    }
  }
  const done = Promise.all(Array.from({ length: o.workers }, (_, w) => worker(w)))
  return {
    redirectedSoFar: () => redirected.length,
    /** Resolves once n redirects have been answered (or the load ran out). */
    until302s: (n: number) =>
      Promise.race([
        new Promise<void>((resolve) => {
          waiters.push({ n, resolve })
          notify()
        }),
        done.then(() => undefined),
      ]),
    async stop(): Promise<LoadOutcome> {
      stopped = true
      await done
      agent.destroy()
      return { redirected, failed, other }
    },
    done: done.then(() => ({ redirected, failed, other })),
  }
}

/** One GET over a kept-alive connection; resolves with the status once the whole response arrived. */
function get(url: string, referrer: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { referer: referrer }, timeout: 5_000 }, (res) => {
      res.resume()
      res.once('end', () => resolve(res.statusCode ?? 0))
      res.once('error', reject)
    })
    req.once('timeout', () => req.destroy(new Error('timeout')))
    req.once('error', reject)
    req.end()
  })
}

/**
 * The fault tests' verdict: every request that got a 302 is exactly one click row; a request that got
 * another status is none; a request whose connection died mid-flight (the kill) is at most one (the
 * server may have journaled it just before dying); no click row belongs to no request.
 */
export async function clickRowsByRequest(db: pg.Client, codes: readonly string[], tag: string) {
  const { rows } = await db.query(
    `select c.referrer, count(*)::int as n from labeled_clicks c join links l on l.id = c.link_id
     where l.code = any($1) group by c.referrer`,
    [codes],
  )
  const rowsOf = new Map<string, number>(rows.map((r) => [r.referrer as string, r.n as number]))
  return {
    rowsOf: (referrer: string) => rowsOf.get(referrer) ?? 0,
    strangers: [...rowsOf.keys()].filter((r) => !r?.startsWith(`http://load.test/${tag}/`)),
    total: [...rowsOf.values()].reduce((a, b) => a + b, 0),
  }
}

export async function linkIdsOf(db: pg.Client, codes: readonly string[]): Promise<string[]> {
  const { rows } = await db.query('select id from links where code = any($1)', [codes])
  return rows.map((r) => String(r.id))
}

export const tempDataDir = () => mkdtempSync(join(tmpdir(), 'umbra-fault-'))

const PG_BIN = '/usr/lib/postgresql/15/bin'

/** Can this machine run a throwaway Postgres of the test's own (binaries present, a postgres user to run them as)? */
export const canRunOwnPostgres = () =>
  existsSync(`${PG_BIN}/initdb`) && process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status === 0

/**
 * A Postgres server of the test's own, in a temp directory on a free port, which the test can stop and
 * start again (initdb refuses root, so it runs as the postgres user).
 */
export async function startOwnPostgres() {
  const dir = mkdtempSync(join(tmpdir(), 'umbra-pg-'))
  const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString())
  const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString())
  chownSync(dir, uid, gid)
  const data = join(dir, 'data')
  const port = await freePort()
  const asPostgres = (args: string[]) => {
    const r = spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8', timeout: 60_000 })
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`)
  }
  asPostgres([`${PG_BIN}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=50`
  const start = () =>
    asPostgres([`${PG_BIN}/pg_ctl`, '-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start'])
  const stop = () => asPostgres([`${PG_BIN}/pg_ctl`, '-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'])
  start()
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  return {
    url,
    start,
    stop,
    async destroy() {
      try {
        stop()
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  return client
}

/**
 * The verdict of every fault test: each request that got a 302 is exactly one click row; a request
 * answered otherwise (503 while closing, 404) is none; a request whose connection died mid-flight is
 * none — or, only when `killed`, at most one (the server may have journaled it just before dying, its
 * 302 never left); no click row belongs to no request; and the rollups equal a recount of the rows.
 */
export async function expectEveryRedirectIsOneClick(
  db: pg.Client,
  o: { codes: string[]; tag: string; outcome: LoadOutcome; killed?: boolean },
) {
  const { expect } = await import('vitest')
  const { rollupMismatches } = await import('../support/click-accounting.ts')
  const rows = await clickRowsByRequest(db, o.codes, o.tag)
  const notOnce = o.outcome.redirected.filter((r) => rows.rowsOf(r) !== 1).map((r) => `${r}: ${rows.rowsOf(r)} rows`)
  expect(notOnce, 'redirects without exactly one click row').toEqual([])
  expect(
    [...o.outcome.other.keys()].filter((r) => rows.rowsOf(r) !== 0),
    'requests answered otherwise that became clicks',
  ).toEqual([])
  const failedMax = o.killed ? 1 : 0
  expect(
    o.outcome.failed.filter((r) => rows.rowsOf(r) > failedMax),
    'failed requests with too many rows',
  ).toEqual([])
  expect(rows.strangers, 'click rows of no request').toEqual([])
  expect(await rollupMismatches(db, await linkIdsOf(db, o.codes)), 'rollups that differ from a recount').toEqual([])
  return {
    clicks: rows.total,
    redirected: o.outcome.redirected.length,
    failed: o.outcome.failed.length,
    other: o.outcome.other.size,
  }
}
