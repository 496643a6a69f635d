import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NPM_START_NODE_ARGS } from '../test/support/npm-start.ts'

// BENCH_SERVER_ROOT: the checkout whose servers are measured (another commit, by the same bench code).
export const ROOT = process.env.BENCH_SERVER_ROOT ?? fileURLToPath(new URL('../', import.meta.url))
const FRESH_IDS_LOAD = fileURLToPath(new URL('./fresh-ids-load.ts', import.meta.url))
const AUTOCANNON = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url))

/**
 * The server under test runs on core 0, the load generator on core 1, and so do the Postgres backends
 * serving the bench database (pinPostgresBackends): Postgres kept off the server's core, as in production
 * where the database has cores of its own.
 */
export const SERVER_CORE = 0
export const LOAD_CORE = 1

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.unref()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

export type PinnedProcess = {
  child: ChildProcess
  pid: number
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

/**
 * Spawns `node <nodeArgs> <script>` pinned to one core (taskset execs, so the pid is node's); the server
 * gets `npm start`'s node arguments, so it is measured as production runs it.
 */
export function spawnPinned(
  core: number,
  script: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = NPM_START_NODE_ARGS,
): PinnedProcess {
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...nodeArgs, script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000)
  })
  child.stdout.resume()
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.once('exit', (code, signal) => {
    if (code && signal === null) process.stderr.write(`${script} exited ${code}:\n${stderr}\n`)
  })
  return {
    child,
    pid: child.pid ?? -1,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

/**
 * Umbra's server (`src/server.ts` of the checkout at `root`, this one by default) on the server core, on a
 * database of its own, with the bench's admin key and quiet logs; `env` adds or overrides settings.
 */
export function spawnUmbra(o: {
  databaseUrl: string
  dataDir: string
  port: number
  env?: Record<string, string>
  root?: string
}): PinnedProcess {
  // BENCH_SERVER_NODE_ARGS: node arguments added to npm start's (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const extra = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  return spawnPinned(
    SERVER_CORE,
    o.root ? resolve(o.root, 'src/server.ts') : 'src/server.ts',
    {
      DATABASE_URL: o.databaseUrl,
      DATA_DIR: o.dataDir,
      HOST: '127.0.0.1',
      PORT: String(o.port),
      LOG_LEVEL: 'warn',
      ADMIN_API_KEY: ADMIN_KEY,
      ...o.env,
    },
    [...NPM_START_NODE_ARGS, ...extra],
  )
}

/** Polls url until it answers (any status), or throws after timeoutMs. */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await fetch(url, { redirect: 'manual' })
      return
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

/** Resident set size of a process, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : 0
}

/** CPU seconds (user + system) a process has used so far (Linux /proc, clock ticks of 10 ms). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** Samples the RSS of pid every intervalMs until stopped; returns the peak. */
export function watchRss(pid: number, intervalMs = 200) {
  let peak = 0
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid))
    } catch {
      // the process has exited
    }
  }, intervalMs)
  return {
    stop: () => {
      clearInterval(timer)
      return peak
    },
  }
}

/** The bootstrap admin key every bench's server starts with, the browser its load claims to be, and its connections. */
export const ADMIN_KEY = 'bench-admin-key-0123456789abcdef'
export const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
export const CONNECTIONS = 50

export type LoadResult = {
  reqPerSec: number
  p50: number
  p99: number
  status: Record<string, number>
  errors: number
  timeouts: number
}

/** One autocannon run as its own process on the load core; `-d` or `-a` decide when it ends. */
export async function autocannon(
  url: string,
  opts: {
    connections: number
    durationS?: number
    amount?: number
    headers?: Record<string, string>
    method?: string
    body?: string
    /** Each request's body gets a fresh id in place of every `[<id>]` (bench/fresh-ids-load.ts). */
    freshIds?: boolean
  },
): Promise<LoadResult> {
  const args = ['-c', String(opts.connections), '-j', '-n']
  if (opts.method) args.push('-m', opts.method)
  if (opts.body !== undefined) args.push('-b', opts.body)
  if (opts.amount) args.push('-a', String(opts.amount))
  else args.push('-d', String(opts.durationS ?? 10))
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`)
  args.push(url)
  const command = opts.freshIds
    ? ['--import', 'tsx', FRESH_IDS_LOAD, JSON.stringify({ url, ...opts })]
    : [AUTOCANNON, ...args]
  const child = spawn('taskset', ['-c', String(LOAD_CORE), process.execPath, ...command], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.resume()
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`autocannon exited ${code}`)
  return loadResultOf(out)
}

/** What a bench reads of autocannon's JSON result (`-j`). */
export function loadResultOf(json: string): LoadResult {
  const r = JSON.parse(json)
  const status: Record<string, number> = {}
  for (const [k, v] of Object.entries(r.statusCodeStats ?? {})) status[k] = (v as { count: number }).count
  return {
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    status,
    errors: r.errors,
    timeouts: r.timeouts,
  }
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL')

/** Pins the Postgres backends serving `database` to `core` (new connections start unpinned: call again). */
export function pinPostgresBackends(database: string, core: number): void {
  for (const pid of postgresBackends(database))
    spawnSync('taskset', ['-pc', String(core), String(pid)], { stdio: 'ignore' })
}

/** Pids of the Postgres backends serving `database`: their process title names it. */
function postgresBackends(database: string): number[] {
  const pids: number[] = []
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      if (title.startsWith('postgres:') && title.includes(` ${database} `)) pids.push(Number(pid))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}

/**
 * CPU seconds used so far by the Postgres backends serving `database` (their process title names it);
 * other databases' backends (the machine is shared) are left out, and so are the server's background
 * writers, shared by all.
 */
export function postgresCpuSeconds(database: string): number {
  let total = 0
  for (const pid of postgresBackends(database)) {
    try {
      total += cpuSeconds(pid)
    } catch {
      // gone meanwhile
    }
  }
  return total
}
