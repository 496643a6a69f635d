import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { NPM_START_NODE_ARGS } from './support/npm-start.ts'
import { eventually, requireRealDatabaseUrl } from './support/test-app.ts'
import { freePort } from './faults/fault-harness.ts'
import { removedAfterAll } from './support/temp-dirs.ts'

// The server as an operator first meets it: what it says when it starts, and when it cannot.
const ROOT = fileURLToPath(new URL('../', import.meta.url))
const dirs = removedAfterAll()

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'umbra-start-'))
  dirs.push(dir)
  return dir
}

/** Starts src/server.ts as `npm start` does; resolves with its exit and everything it printed. */
function runServer(env: Record<string, string>) {
  const child = spawn(process.execPath, [...NPM_START_NODE_ARGS, 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ADMIN_API_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, exited, stdout: () => stdout, stderr: () => stderr }
}

describe('a start-up failure is one line naming the cause and the fix, exit 1, no stack', () => {
  it.each([
    [
      'a bad setting',
      () => ({ PORT: 'eighty' }),
      /^umbra: invalid configuration: PORT: .+ \(fix that variable in the environment; .+\)$/,
    ],
    [
      'an unreachable DATABASE_URL (password not shown)',
      async () => ({ DATABASE_URL: `postgres://umbra:hunter2@127.0.0.1:${await freePort()}/umbra` }),
      /^umbra: cannot reach the database at postgres:\/\/umbra:\*\*\*@127\.0\.0\.1:\d+\/umbra \(ECONNREFUSED\): start Postgres there, or fix DATABASE_URL/,
    ],
    [
      'a DATA_DIR another live server holds',
      () => {
        const dir = tempDir()
        writeFileSync(join(dir, 'umbra.pid'), String(process.pid)) // this test runner: alive, and not the server
        return { DATABASE_URL: '', DATA_DIR: dir }
      },
      new RegExp(
        `^umbra: could not start: DATA_DIR .+ is in use by another Umbra server \\(process ${process.pid}\\): stop it, or give this one its own DATA_DIR$`,
      ),
    ],
  ])(
    '%s',
    async (_what, env, line) => {
      const server = runServer({ DATA_DIR: tempDir(), PORT: '0', ...(await env()) })
      expect(await server.exited).toBe(1)
      const lines = server.stderr().trimEnd().split('\n')
      expect(lines, server.stderr()).toHaveLength(1)
      expect(lines[0]).toMatch(line)
      expect(server.stdout()).not.toMatch(/\n\s+at /)
    },
    60_000,
  )
})

describe('a server that starts', () => {
  it('names the dashboard, the docs and the next step; sends / to the dashboard; logs probes at debug only', async () => {
    const port = await freePort()
    const server = runServer({ DATABASE_URL: requireRealDatabaseUrl(), DATA_DIR: tempDir(), PORT: String(port) })
    try {
      const base = `http://127.0.0.1:${port}`
      await eventually(
        () =>
          fetch(`${base}/healthz`).then(
            (r) => r.ok,
            () => false,
          ),
        30_000,
      )
      expect((await fetch(`${base}/readyz`)).status).toBe(200)
      const root = await fetch(`${base}/`, { redirect: 'manual' })
      expect([root.status, root.headers.get('location')]).toEqual([302, '/dashboard'])

      const messages = server
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).msg as string)
      expect(messages).toContain(`umbra listening on ${base}`)
      expect(messages).toContain(`dashboard ${base}/dashboard · API docs ${base}/docs`)
      // The shared database may hold accounts made by other tests: then the next step names the CLI, else the setup URL.
      expect(messages.find((m) => m.startsWith('next: '))).toMatch(/dashboard\/setup\?token=[\w-]{43} |users create/)
      await eventually(async () => server.stdout().includes('"url":"/"'))
      expect(server.stdout()).not.toMatch(/"url":"\/(healthz|readyz)"/)
    } finally {
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
    }
  }, 60_000)
})
