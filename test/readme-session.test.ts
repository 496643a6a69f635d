import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { freePort } from './faults/fault-harness.ts'
import { removedAfterAll } from './support/temp-dirs.ts'

// The README's curl session, pasted into a shell as a newcomer would: on the embedded default, through
// npm start, only the port changed (8080 may be taken here).
const ROOT = fileURLToPath(new URL('../', import.meta.url))
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const session = /## A session with curl\n+```sh\n([\s\S]*?)\n```/.exec(readme)![1]
const dirs = removedAfterAll()

const processesUsing = (dir: string) =>
  readdirSync('/proc').filter(
    (p) =>
      /^\d+$/.test(p) &&
      (() => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir)
        } catch {
          return false
        }
      })(),
  )

describe("the README's curl session", () => {
  it('works when pasted: the link, two 302s, stats with both clicks, and a clean stop', async () => {
    const port = String(await freePort())
    const dataDir = mkdtempSync(join(tmpdir(), 'umbra-readme-'))
    dirs.push(dataDir)
    const shell = spawn('bash', ['-c', session.replaceAll('8080', port)], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: port, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    shell.stdout.on('data', (d) => (output += d))
    shell.stderr.on('data', (d) => (output += d))
    const code = await new Promise((resolve) => shell.once('exit', resolve))
    expect(code, output).toBe(0)
    expect(output).toContain(`"code":"spring-sale","shortUrl":"http://localhost:${port}/spring-sale"`)
    expect(output.match(/HTTP\/1\.1 302 Found/g)).toHaveLength(2)
    const stats = JSON.parse(output.split('\n').find((l) => l.startsWith('{"code":"spring-sale","from"'))!)
    expect(stats).toMatchObject({
      clicks: 2,
      uniques: 2,
      dark: 2,
      byMedium: { in_app: 1, email: 1 },
      byApp: { instagram: 1, gmail: 1 },
    })
    expect(processesUsing(dataDir)).toEqual([])
  }, 120_000)
})
