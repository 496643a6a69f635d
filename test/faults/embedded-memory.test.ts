import { describe, expect, it } from 'vitest'
import { appAndClusterMemory } from '../support/process-memory.ts'
import { removedAfterAll } from '../support/temp-dirs.ts'
import { createLink, startUmbra, tempDataDir, waitUntilDrained } from './fault-harness.ts'

// A newcomer's first `npm start`: the app and the Postgres it starts under a fresh DATA_DIR stay within
// 200 MB, counted as PSS (each page shared between Postgres' processes counted once), after the first start
// and after a burst of redirects.
const LIMIT_MB = 200
const dirs = removedAfterAll()

describe('the embedded default in memory', () => {
  it('stays within 200 MB (PSS of node and every Postgres process) after the first start and under redirects', async () => {
    const dataDir = tempDataDir()
    dirs.push(dataDir)
    const umbra = await startUmbra({ DATABASE_URL: '', DATA_DIR: dataDir })
    try {
      const started = appAndClusterMemory(umbra.pid, dataDir)
      expect(started.processes).toBeGreaterThan(3)
      expect(started.pss, JSON.stringify(started)).toBeLessThanOrEqual(LIMIT_MB)

      const code = await createLink(umbra.base, `mem${Date.now().toString(36)}`)
      let peak = started
      const sample = () => {
        const m = appAndClusterMemory(umbra.pid, dataDir)
        if (m.pss > peak.pss) peak = m
      }
      // 20 clients, 10,000 redirects: enough for the writer's batches, rollups and the pool's connections.
      let sent = 0
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          while (sent < 10_000) {
            sent++
            const res = await fetch(`${umbra.base}/${code}`, { redirect: 'manual' })
            expect(res.status).toBe(302)
            if (sent % 1_000 === 0) sample()
          }
        }),
      )
      await waitUntilDrained(umbra.base)
      sample()
      expect(peak.pss, JSON.stringify(peak)).toBeLessThanOrEqual(LIMIT_MB)
    } finally {
      umbra.child.kill('SIGTERM')
      await umbra.exited
    }
  }, 120_000)
})
