import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import pg from 'pg'
import { postgresBinaries, runEmbeddedPostgres, type PostgresUser } from './embedded-postgres-process.ts'
import { isAlive, lockStart, readPid, sleep, writeAtomically } from './pid-files.ts'

/**
 * The embedded default: a real Postgres (the `embedded-postgres` package's binaries) kept under
 * DATA_DIR/postgres, reached through a unix socket in a private directory, so the app, the CLI and the
 * tests all use the same pg driver and SQL as on a Postgres server.
 *
 * Whoever starts the cluster owns it (DATA_DIR/postgres.owner holds its pid): the server stops it on exit,
 * and a watchdog stops it within a second when the owner dies without doing so (SIGKILL). A process that
 * finds it running (the CLI beside the server) connects without owning it; a server adopts it.
 */
export const EMBEDDED_DATABASE = 'umbra'

export type EmbeddedOptions = {
  /** 'server' adopts a running cluster and stops it when done; 'client' (the CLI) only stops one it started. */
  role: 'server' | 'client'
  /** Also listen on 127.0.0.1 at this port (the test suite's shared cluster); the socket is always there. */
  tcpPort?: number
  /** Extra settings (`-c name=value`), after Umbra's small-install defaults. */
  settings?: Record<string, string>
  log?: (message: string) => void
}

export type EmbeddedCluster = { url: string; release: () => Promise<void> }

type Held = { url: string; refs: number; owner: boolean; stop: () => Promise<void> }
// One cluster per data directory in a process, shared by every app and CLI command in it.
const held = new Map<string, Promise<Held>>()

/** Starts (or finds) the cluster under dataDir and returns a connection URL; release() when done with it. */
export async function openEmbeddedPostgres(dataDir: string, options: EmbeddedOptions): Promise<EmbeddedCluster> {
  const pgdata = resolve(dataDir, 'postgres')
  let entry = held.get(pgdata)
  if (!entry) {
    entry = ensureCluster(resolve(dataDir), pgdata, options).then((h) => ({ ...h, refs: 0 }))
    held.set(pgdata, entry)
    entry.catch(() => held.delete(pgdata))
  }
  const h = await entry
  h.refs++
  let released = false
  return {
    url: h.url,
    release: async () => {
      if (released) return
      released = true
      if (--h.refs > 0) return
      held.delete(pgdata)
      await h.stop()
    },
  }
}

async function ensureCluster(dataDir: string, pgdata: string, options: EmbeddedOptions): Promise<Omit<Held, 'refs'>> {
  const user = postgresUser()
  makePrivate(dataDir, user)
  const ownerFile = join(dataDir, 'postgres.owner')
  const unlock = await lockStart(join(dataDir, 'postgres.lock'))
  try {
    const running = await findRunning(pgdata)
    if (running) {
      const owner = readPid(ownerFile)
      if (owner !== null && owner !== process.pid && isAlive(owner)) {
        // Someone alive owns it (the CLI, or a server beside a client): use it; a server takes it over.
        await ensureDatabase(running.url)
        if (options.role === 'client') return { url: running.url, owner: false, stop: async () => {} }
        writeAtomically(ownerFile, String(process.pid))
        return { url: running.url, owner: true, stop: async () => void (await stopOwned(dataDir, running.pid)) }
      }
      // Left by a process that died (SIGKILL) with its watchdog gone or about to stop it: stop it, start afresh.
      options.log?.(`stopping the embedded Postgres (process ${running.pid}) that a dead process left running`)
      await stopPostmaster(running.pid, 'SIGINT')
    }
    if (!existsSync(join(pgdata, 'PG_VERSION'))) await initialise(pgdata, user, options.log)
    writeAtomically(ownerFile, String(process.pid))
    const { pid, stopWatchdog } = await runEmbeddedPostgres({
      pgdata,
      user,
      ownerFile,
      socketDir: socketDirFor(pgdata, user),
      logFile: join(dataDir, 'postgres.log'),
      tcpPort: options.tcpPort,
      settings: options.settings,
    })
    const url = connectionUrl(readPostmasterPid(pgdata))
    await ensureDatabase(url)
    // Its watchdog goes with it (it would notice within a second anyway), unless another process took it over.
    return { url, owner: true, stop: async () => void ((await stopOwned(dataDir, pid)) && stopWatchdog()) }
  } finally {
    unlock()
  }
}

/** Postgres refuses to run as root: as root, the cluster belongs to a `postgres` system user (created if missing). */
function postgresUser(): PostgresUser | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
  })
  try {
    return lookup()
  } catch {
    try {
      execFileSync(
        'useradd',
        ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
        { stdio: 'ignore' },
      )
      return lookup()
    } catch {
      throw new Error(
        'Postgres does not run as root and no "postgres" user could be created: create one (useradd --system postgres) or run Umbra as a normal user',
      )
    }
  }
}

/** DATA_DIR is readable by its owner only; as root, the postgres user may pass through it (0710) to its cluster. */
function makePrivate(dataDir: string, user: PostgresUser | null) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  if (!user) return chmodSync(dataDir, 0o700)
  chownSync(dataDir, 0, user.gid)
  chmodSync(dataDir, 0o710)
  // Every directory above must let the postgres user through too (a home directory such as /root does not).
  const reachable =
    spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', dataDir], { ...user, stdio: 'ignore' }).status === 0
  if (!reachable) {
    throw new Error(
      `the postgres user cannot reach DATA_DIR ${dataDir} (Postgres does not run as root, and a directory above it is private): ` +
        'set DATA_DIR to a directory outside it, such as /var/lib/umbra, or run Umbra as a normal user',
    )
  }
}

async function initialise(pgdata: string, user: PostgresUser | null, log?: (message: string) => void) {
  const { initdb } = await postgresBinaries()
  // Into a side directory first: a cluster half-made by an interrupted initdb is never mistaken for one.
  const fresh = `${pgdata}.init`
  rmSync(fresh, { recursive: true, force: true })
  mkdirSync(fresh, { mode: 0o700 })
  if (user) chownSync(fresh, user.uid, user.gid)
  log?.(`creating the embedded Postgres cluster in ${pgdata}`)
  await new Promise<void>((done, fail) => {
    let output = ''
    const child = spawn(
      initdb,
      ['-D', fresh, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-instructions'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LC_ALL: 'C' },
        ...(user ?? {}),
      },
    )
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.on('error', fail)
    child.on('close', (code) =>
      code === 0 ? done() : fail(new Error(`initdb failed (exit ${code}): ${output.trim().split('\n').at(-1)}`)),
    )
  })
  renameSync(fresh, pgdata)
}

/** The socket lives in the cluster's directory unless that path is too long for a unix socket (~107 bytes). */
function socketDirFor(pgdata: string, user: PostgresUser | null): string {
  if (Buffer.byteLength(join(pgdata, '.s.PGSQL.65535')) <= 100) return pgdata
  const dir = join(tmpdir(), `umbra-pg-${createHash('sha256').update(pgdata).digest('hex').slice(0, 12)}`)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  if (user) chownSync(dir, user.uid, user.gid)
  return dir
}

type Postmaster = { pid: number; port: number; socketDir: string; tcpHost: string; status: string }

/** Postgres's own lock file: pid, data dir, start time, port, socket dir, listen address, shmem key, status. */
function readPostmasterPid(pgdata: string): Postmaster | null {
  let lines: string[]
  try {
    lines = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')
  } catch {
    return null
  }
  const pid = Number(lines[0])
  if (!pid) return null
  return {
    pid,
    port: Number(lines[3]),
    socketDir: lines[4] ?? '',
    tcpHost: (lines[5] ?? '').trim(),
    status: (lines[7] ?? '').trim(),
  }
}

function connectionUrl(pm: Postmaster | null, database = EMBEDDED_DATABASE): string {
  if (!pm) throw new Error('the embedded Postgres is running but left no postmaster.pid to connect by')
  if (pm.tcpHost && pm.tcpHost !== '*') return `postgres://postgres@${pm.tcpHost}:${pm.port}/${database}`
  return `postgres://postgres@localhost:${pm.port}/${database}?host=${encodeURIComponent(pm.socketDir)}`
}

/** The cluster if a live postmaster answers for it (a starting or stopping one is waited for). */
async function findRunning(pgdata: string): Promise<(Postmaster & { url: string }) | null> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const pm = readPostmasterPid(pgdata)
    if (!pm || !isAlive(pm.pid)) return null
    if (!runsCluster(pm.pid)) {
      // A lock file from before a reboot whose pid another process has since: Postgres would refuse to start.
      rmSync(join(pgdata, 'postmaster.pid'), { force: true })
      return null
    }
    if (pm.status === 'ready' && (await answers(connectionUrl(pm, 'postgres'))))
      return { ...pm, url: connectionUrl(pm) }
    if (Date.now() > deadline)
      throw new Error(
        `the embedded Postgres (process ${pm.pid}) in ${pgdata} neither answers nor stops: stop that process`,
      )
    await sleep(100)
  }
}

/** Whether pid may be this cluster's postmaster: a postgres process at all (assumed so where /proc is missing). */
function runsCluster(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync('/proc/self')
  }
}

export async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 })
  client.on('error', () => {})
  try {
    await client.connect()
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

async function ensureDatabase(url: string) {
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString() })
  await client.connect()
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [EMBEDDED_DATABASE])
    if (!rowCount) await client.query(`create database ${EMBEDDED_DATABASE}`)
  } finally {
    await client.end()
  }
}

/** Stops the cluster if this process still owns it (a server may have taken over a cluster the CLI started). */
async function stopOwned(dataDir: string, pid: number): Promise<boolean> {
  const ownerFile = join(dataDir, 'postgres.owner')
  const unlock = await lockStart(join(dataDir, 'postgres.lock'))
  try {
    if (readPid(ownerFile) !== process.pid) return false
    await stopPostmaster(pid, 'SIGTERM')
    rmSync(ownerFile, { force: true })
    return true
  } finally {
    unlock()
  }
}

/**
 * SIGTERM: a smart shutdown, which lets sessions still closing (a pool's last connections, a CLI command
 * beside) end on their own for a few seconds; then SIGINT, a fast shutdown (sessions cut, checkpoint);
 * then harder.
 */
export async function stopPostmaster(pid: number, first: 'SIGTERM' | 'SIGINT') {
  const signals: [NodeJS.Signals, number][] = [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ]
  if (first === 'SIGTERM') signals.unshift(['SIGTERM', 5_000])
  for (const [sig, waitMs] of signals) {
    if (!isAlive(pid)) return
    try {
      process.kill(pid, sig)
    } catch {
      return
    }
    const deadline = Date.now() + waitMs
    while (isAlive(pid) && Date.now() < deadline) await sleep(25)
  }
}
