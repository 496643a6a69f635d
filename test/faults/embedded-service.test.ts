import { spawn, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { auth, eventually } from '../support/test-app.ts'
import { createLink, freePort, startUmbra, tempDataDir } from './fault-harness.ts'
import { removedAfterAll } from '../support/temp-dirs.ts'

// The embedded default as an operator runs it: a real Postgres under DATA_DIR that the server starts,
// shares with the CLI, and never leaves behind, however the server ends.
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const EMBEDDED = { DATABASE_URL: '' } // empty is unset: the embedded database
const dirs = removedAfterAll()

function dataDir() {
  const dir = tempDataDir()
  dirs.push(dir)
  return dir
}

/** Pids of the processes whose command line names dir: the cluster's postgres processes and its watchdog. */
function processesUsing(dir: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir)
      } catch {
        return false
      }
    })
    .map(Number)
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const postmasterPid = (dir: string) =>
  Number(readFileSync(join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0])

/** `./bin/umbra …` on the same DATA_DIR, as an operator types it beside the server. */
function umbraCli(dir: string, args: string[]) {
  const r = spawnSync(join(ROOT, 'bin/umbra'), args, {
    cwd: ROOT,
    env: { ...process.env, ...EMBEDDED, DATA_DIR: dir, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: r.status, out: r.stdout, err: r.stderr }
}

describe('the embedded database as a service', () => {
  it('npm start: SIGTERM to the npm process drains, and leaves no node or postgres process behind', async () => {
    const dir = dataDir()
    const port = await freePort()
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, ...EMBEDDED, DATA_DIR: dir, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    npm.stdout.on('data', (d) => (output += d))
    npm.stderr.on('data', (d) => (output += d))
    const npmExited = new Promise((resolve) => npm.once('exit', resolve))
    await eventually(
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      60_000,
    )
    const node = Number(readFileSync(join(dir, 'umbra.pid'), 'utf8'))
    expect(processesUsing(dir).length).toBeGreaterThan(0)

    npm.kill('SIGTERM')
    await npmExited
    await eventually(async () => !alive(node) && processesUsing(dir).length === 0, 30_000)
    expect(output).toContain('"msg":"closing"')
    // Postgres stopped after the app let go of it: no connection was cut from under it.
    expect(output).not.toMatch(/"level":50|connection lost|terminating connection/)
  }, 120_000)

  it('the CLI works beside a running server, and its keys work on it at once', async () => {
    const dir = dataDir()
    const umbra = await startUmbra({ ...EMBEDDED, DATA_DIR: dir })
    try {
      const created = umbraCli(dir, ['keys', 'create', '--scope', 'links:read', '--name', 'beside'])
      expect(created.status, created.err).toBe(0)
      const secret = /secret \(shown this once, store it now\): (\S+)/.exec(created.out)![1]
      expect(
        (await fetch(`${umbra.base}/api/v1/links`, { headers: { authorization: `Bearer ${secret}` } })).status,
      ).toBe(200)
      expect(umbraCli(dir, ['migrate']).out).toContain('the database is up to date')
      // The CLI left the server's database running.
      expect((await fetch(`${umbra.base}/readyz`)).status).toBe(200)
    } finally {
      umbra.child.kill('SIGTERM')
      expect(await umbra.exited).toEqual({ code: 0, signal: null })
    }
    await eventually(async () => processesUsing(dir).length === 0, 30_000)
  }, 120_000)

  it('keeps DATA_DIR private', async () => {
    const dir = dataDir()
    const umbra = await startUmbra({ ...EMBEDDED, DATA_DIR: dir })
    umbra.child.kill('SIGTERM')
    await umbra.exited
    // As root, the postgres user the cluster runs as may pass through (0710, group postgres), nobody else.
    expect(statSync(dir).mode & 0o777).toBe(process.getuid?.() === 0 ? 0o710 : 0o700)
    expect(statSync(join(dir, 'postgres')).mode & 0o777).toBe(0o700)
  }, 120_000)

  it('a SIGKILLed server: its database stops within seconds, and the next start has the data', async () => {
    const dir = dataDir()
    const first = await startUmbra({ ...EMBEDDED, DATA_DIR: dir })
    await createLink(first.base, 'kept-after-kill')
    first.child.kill('SIGKILL')
    await first.exited
    await eventually(async () => processesUsing(dir).length === 0, 30_000)

    const second = await startUmbra({ ...EMBEDDED, DATA_DIR: dir })
    try {
      expect((await fetch(`${second.base}/api/v1/links/kept-after-kill`, { headers: auth })).status).toBe(200)
    } finally {
      second.child.kill('SIGTERM')
      await second.exited
    }
  }, 120_000)

  it('a postmaster left running by a dead server whose watchdog died too is stopped, and exactly one cluster starts', async () => {
    const dir = dataDir()
    const first = await startUmbra({ ...EMBEDDED, DATA_DIR: dir })
    await createLink(first.base, 'kept-after-orphan')
    const orphan = postmasterPid(dir)
    const watchdog = processesUsing(dir).find((pid) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('umbra-postgres-watchdog'),
    )!
    process.kill(watchdog, 'SIGKILL')
    first.child.kill('SIGKILL')
    await first.exited
    expect(alive(orphan)).toBe(true)

    const second = await startUmbra({ ...EMBEDDED, DATA_DIR: dir })
    try {
      expect(alive(orphan)).toBe(false)
      expect(postmasterPid(dir)).not.toBe(orphan)
      const postmasters = processesUsing(dir).filter((pid) =>
        readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(join(ROOT, 'node_modules')),
      )
      expect(postmasters).toEqual([postmasterPid(dir)])
      expect((await fetch(`${second.base}/api/v1/links/kept-after-orphan`, { headers: auth })).status).toBe(200)
    } finally {
      second.child.kill('SIGTERM')
      await second.exited
    }
    await eventually(async () => processesUsing(dir).length === 0, 30_000)
  }, 120_000)
})
