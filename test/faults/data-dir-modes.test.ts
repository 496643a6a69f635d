import { spawn } from 'node:child_process'
import { chmodSync, lstatSync, readdirSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { ADMIN_KEY, auth, eventually, testConfig } from '../support/test-app.ts'
import { freePort, tempDataDir } from './fault-harness.ts'

// Issue 13, finding 10: DATA_DIR (journals, secret, embedded cluster) is private whatever umask started the
// server. The embedded Postgres is part of it: as root it runs as the postgres user, and must still start.
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const asRoot = process.getuid?.() === 0
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/**
 * Every path under dir with its permission bits and kind. The running server writes and removes files
 * meanwhile (journal segments, Postgres's temporary files): one gone between listing and lstat is skipped.
 */
function modesUnder(dir: string): { path: string; mode: number; kind: 'dir' | 'file' | 'other' }[] {
  return readdirSync(dir, { recursive: true }).flatMap((name) => {
    const st = lstatSync(join(dir, String(name)), { throwIfNoEntry: false })
    if (!st) return []
    const kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other'
    return [{ path: relative(dir, join(dir, String(name))), mode: st.mode & 0o777, kind }]
  })
}

describe.each(['022', '077'])('npm start with the embedded database under umask %s', (umask) => {
  it('answers, and keeps DATA_DIR 0700 (0710 as root, for the postgres user), its dirs 0700 and files 0600', async () => {
    const dir = tempDataDir()
    dirs.push(dir)
    const port = await freePort()
    const npm = spawn('/bin/sh', ['-c', `umask ${umask} && exec npm start`], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: '',
        DATA_DIR: dir,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        ADMIN_API_KEY: ADMIN_KEY,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    npm.stdout.on('data', (d) => (output += d))
    npm.stderr.on('data', (d) => (output += d))
    const exited = new Promise((resolve) => npm.once('exit', resolve))
    const base = `http://127.0.0.1:${port}`
    try {
      await eventually(
        () =>
          fetch(`${base}/healthz`).then(
            (r) => r.ok,
            () => false,
          ),
        90_000,
      ).catch((err) => {
        throw new Error(`${err.message}; server said:\n${output.slice(-2000)}`)
      })
      // A click, so the journal has a segment written under this umask.
      const created = await fetch(`${base}/api/v1/links`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://example.com/modes', code: `modes-${umask}` }),
      })
      expect(created.status).toBe(201)
      expect((await fetch(`${base}/modes-${umask}`, { redirect: 'manual' })).status).toBe(302)

      expect(lstatSync(dir).mode & 0o777).toBe(asRoot ? 0o710 : 0o700)
      const found = modesUnder(dir)
      expect(found.map((f) => f.path)).toEqual(
        expect.arrayContaining(['secret.key', 'journal', 'funnel-journal', join('postgres', 'PG_VERSION')]),
      )
      expect(found.some((f) => f.path.startsWith('journal/seg-'))).toBe(true)
      const wrong = found.filter((f) =>
        f.kind === 'dir' ? f.mode !== 0o700 : f.kind === 'file' ? f.mode !== 0o600 : (f.mode & 0o077) !== 0,
      )
      expect(wrong.map((f) => `${f.path} ${f.mode.toString(8)}`)).toEqual([])
    } finally {
      npm.kill('SIGTERM')
      await exited
    }
  }, 150_000)
})

describe('DATA_DIR beside a Postgres server (DATABASE_URL)', () => {
  it('is made 0700 even when it was there with looser modes, and the journals inside are private', async () => {
    const config = testConfig()
    dirs.push(config.dataDir)
    chmodSync(config.dataDir, 0o755)
    const app = await buildApp(config)
    try {
      await app.ready()
      expect(lstatSync(config.dataDir).mode & 0o777).toBe(0o700)
      const wrong = modesUnder(config.dataDir).filter((f) => f.mode !== (f.kind === 'dir' ? 0o700 : 0o600))
      expect(wrong.map((f) => `${f.path} ${f.mode.toString(8)}`)).toEqual([])
    } finally {
      await app.close()
    }
  })
})
