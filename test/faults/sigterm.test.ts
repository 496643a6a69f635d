import { describe, expect, it } from 'vitest'
import { realDatabaseUrl } from '../support/test-app.ts'
import {
  connect,
  createLink,
  expectEveryRedirectIsOneClick,
  startLoad,
  startUmbra,
  tempDataDir,
} from './fault-harness.ts'
import { removedAfterAll } from '../support/temp-dirs.ts'

const url = realDatabaseUrl()
const dirs = removedAfterAll()

describe.skipIf(!url)('SIGTERM mid-load', () => {
  it('stops accepting, finishes what is in flight, writes every click, exits 0', async () => {
    const dataDir = tempDataDir()
    dirs.push(dataDir)
    // Long flushes, so the clicks of the last half second are still unwritten when the signal comes.
    const umbra = await startUmbra({ DATABASE_URL: url!, DATA_DIR: dataDir, CLICK_FLUSH_MS: '500' })
    const tag = `term-${Date.now().toString(36)}`
    const codes = [await createLink(umbra.base, `${tag}-a`), await createLink(umbra.base, `${tag}-b`)]
    const load = startLoad({
      tag,
      targets: codes.map((code) => ({ base: umbra.base, code })),
      workers: 8,
      maxRequests: 20_000,
    })
    await load.until302s(1_500)
    umbra.child.kill('SIGTERM')
    const exit = await umbra.exited
    const outcome = await load.stop()
    expect(exit, umbra.output()).toEqual({ code: 0, signal: null })

    // Nothing was left for a next start: the journal holds no segment with a click in it.
    const db = await connect(url!)
    try {
      const verdict = await expectEveryRedirectIsOneClick(db, { codes, tag, outcome })
      expect(verdict.redirected).toBeGreaterThanOrEqual(1_500)
      expect(verdict.clicks).toBe(verdict.redirected)
    } finally {
      await db.end()
    }
  })
})
