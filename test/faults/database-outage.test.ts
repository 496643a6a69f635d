import { describe, expect, it } from 'vitest'
import {
  canRunOwnPostgres,
  connect,
  createLink,
  expectEveryRedirectIsOneClick,
  readiness,
  startLoad,
  startOwnPostgres,
  startUmbra,
  tempDataDir,
  waitUntilDrained,
  type Readiness,
} from './fault-harness.ts'
import { removedAfterAll } from '../support/temp-dirs.ts'

const OUTAGE_MS = 4_000
const dirs = removedAfterAll()

// In CI the machine must be able to run a Postgres of the test's own: failing beats a silent skip there.
describe.skipIf(!canRunOwnPostgres() && process.env.CI !== 'true')(
  'the database unreachable for seconds mid-load',
  () => {
    it('keeps redirecting from cache, holds clicks in memory then on disk, reports the backlog, and drains by itself', async () => {
      const postgres = await startOwnPostgres()
      const dataDir = tempDataDir()
      dirs.push(dataDir)
      // A small memory bound, so the outage spills batches to disk; batches not so small that draining
      // thousands of them one transaction each outlasts the wait on a busy machine (50 took 8 s idle).
      const umbra = await startUmbra({
        DATABASE_URL: postgres.url,
        DATA_DIR: dataDir,
        CLICK_BATCH_SIZE: '250',
        CLICK_BUFFER_MAX: '500',
        CLICK_FLUSH_MS: '50',
      })
      try {
        const tag = `outage-${Date.now().toString(36)}`
        const codes = [await createLink(umbra.base, `${tag}-a`), await createLink(umbra.base, `${tag}-b`)]
        const load = startLoad({
          tag,
          targets: codes.map((code) => ({ base: umbra.base, code })),
          workers: 6,
          maxRequests: 100_000,
        })
        await load.until302s(500)

        postgres.stop()
        const before = load.redirectedSoFar()
        const during: Readiness[] = []
        const outageEnds = Date.now() + OUTAGE_MS
        while (Date.now() < outageEnds) {
          during.push(await readiness(umbra.base))
          await new Promise((r) => setTimeout(r, 250))
        }
        const redirectedDuringOutage = load.redirectedSoFar() - before
        postgres.start()
        await new Promise((r) => setTimeout(r, 500))
        const outcome = await load.stop()

        // Redirects went on from the cache; /readyz said not ready and showed the backlog, on disk too.
        expect(redirectedDuringOutage).toBeGreaterThan(200)
        const worst = during.at(-1)!
        expect(worst.status).toBe(503)
        expect(worst.clicks.databaseHealthy).toBe(false)
        expect(worst.clicks.backlog).toBeGreaterThan(200)
        expect(worst.clicks.onDisk).toBeGreaterThan(0)
        expect(worst.clicks.spooledBatches).toBeGreaterThan(0)

        // Nobody asks it to: writing resumes and the backlog drains.
        const drained = await waitUntilDrained(umbra.base, 30_000)
        expect(drained.clicks.databaseHealthy).toBe(true)
        const db = await connect(postgres.url)
        try {
          const verdict = await expectEveryRedirectIsOneClick(db, { codes, tag, outcome })
          expect(verdict.clicks).toBe(verdict.redirected)
        } finally {
          await db.end()
        }
        umbra.child.kill('SIGTERM')
        expect((await umbra.exited).code).toBe(0)
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- umbra output:\n${umbra.output()}`, { cause: err })
      } finally {
        umbra.child.kill('SIGKILL')
        await postgres.destroy()
      }
    }, 90_000)
  },
)
