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

describe.skipIf(!url)('two instances on one database', () => {
  it('count every click once while both write the same hot links’ rollups', async () => {
    const [dirA, dirB] = [tempDataDir(), tempDataDir()]
    dirs.push(dirA, dirB)
    // Small batches: many transactions from both instances upserting the same rollup rows.
    const env = { DATABASE_URL: url!, CLICK_FLUSH_MS: '20', CLICK_BATCH_SIZE: '50' }
    const [a, b] = await Promise.all([startUmbra({ ...env, DATA_DIR: dirA }), startUmbra({ ...env, DATA_DIR: dirB })])
    try {
      // Two instances cannot share a journal: a third one on A's DATA_DIR refuses to start.
      await expect(startUmbra({ ...env, DATA_DIR: dirA })).rejects.toThrow(/in use by process/)

      const tag = `two-${Date.now().toString(36)}`
      const codes = [await createLink(a.base, `${tag}-a`), await createLink(b.base, `${tag}-b`)]
      const targets = [a, b].flatMap((u) => codes.map((code) => ({ base: u.base, code })))
      const outcome = await startLoad({ tag, targets, workers: 10, maxRequests: 4_000 }).done
      a.child.kill('SIGTERM')
      b.child.kill('SIGTERM')
      expect([(await a.exited).code, (await b.exited).code]).toEqual([0, 0])

      const db = await connect(url!)
      try {
        const verdict = await expectEveryRedirectIsOneClick(db, { codes, tag, outcome })
        expect(verdict).toMatchObject({ clicks: 4_000, redirected: 4_000, failed: 0 })
      } finally {
        await db.end()
      }
    } finally {
      a.child.kill('SIGKILL')
      b.child.kill('SIGKILL')
    }
  })
})
