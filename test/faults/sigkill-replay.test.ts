import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { realDatabaseUrl } from '../support/test-app.ts'
import {
  connect,
  createLink,
  expectEveryRedirectIsOneClick,
  startLoad,
  startUmbra,
  tempDataDir,
  waitUntilDrained,
} from './fault-harness.ts'
import { removedAfterAll } from '../support/temp-dirs.ts'

const url = realDatabaseUrl()
const dirs = removedAfterAll()

const journaledLines = (dataDir: string) =>
  readdirSync(join(dataDir, 'journal'))
    .filter((f) => f.startsWith('seg-'))
    .reduce((n, f) => n + readFileSync(join(dataDir, 'journal', f), 'utf8').split('\n').length - 1, 0)

describe.skipIf(!url)('SIGKILL mid-load, then restart', () => {
  it('replays the journal: every click that got its 302 is written once', async () => {
    const dataDir = tempDataDir()
    dirs.push(dataDir)
    const env = { DATABASE_URL: url!, DATA_DIR: dataDir, CLICK_FLUSH_MS: '500' }
    const first = await startUmbra(env)
    const tag = `kill-${Date.now().toString(36)}`
    const codes = [await createLink(first.base, `${tag}-a`), await createLink(first.base, `${tag}-b`)]
    const load = startLoad({
      tag,
      targets: codes.map((code) => ({ base: first.base, code })),
      workers: 8,
      maxRequests: 20_000,
    })
    await load.until302s(1_500)
    first.child.kill('SIGKILL')
    await first.exited
    const outcome = await load.stop()
    // Up to half a second of clicks were only in the journal when the process died.
    expect(journaledLines(dataDir)).toBeGreaterThan(0)

    const second = await startUmbra(env)
    const db = await connect(url!)
    try {
      await waitUntilDrained(second.base, 15_000).catch((err) => {
        throw new Error(`${err.message}\n${second.output()}`)
      })
      const verdict = await expectEveryRedirectIsOneClick(db, { codes, tag, outcome, killed: true })
      expect(verdict.redirected).toBeGreaterThanOrEqual(1_500)
      second.child.kill('SIGTERM')
      expect((await second.exited).code).toBe(0)
      expect(journaledLines(dataDir)).toBe(0)
    } finally {
      await db.end()
      second.child.kill('SIGKILL')
    }
  })
})
