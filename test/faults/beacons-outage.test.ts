import { rmSync } from 'node:fs'
import { request } from 'node:http'
import { afterAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY } from '../support/test-app.ts'
import {
  canRunOwnPostgres,
  connect,
  readiness,
  startOwnPostgres,
  startUmbra,
  tempDataDir,
  type Readiness,
} from './fault-harness.ts'

const OUTAGE_MS = 4_000
const SITE = 'https://outage.example'
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

type FunnelReadiness = Readiness & {
  funnel: { backlog: number; onDisk: number; spooledBatches: number; databaseHealthy: boolean }
}

function post(base: string, path: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = request(`${base}${path}`, { method: 'POST', headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', () => resolve(0))
    req.end(body)
  })
}

// As the clicks' outage test (database-outage.test.ts), for the second event kind.
describe.skipIf(!canRunOwnPostgres() && process.env.CI !== 'true')('beacons: the database unreachable mid-load', () => {
  it('answers beacons from the journal, holds them, and once Postgres is back every 204 is a row, once', async () => {
    const postgres = await startOwnPostgres()
    const dataDir = tempDataDir()
    dirs.push(dataDir)
    // A small memory bound, so the outage spills funnel batches to disk too.
    const umbra = await startUmbra({
      DATABASE_URL: postgres.url,
      DATA_DIR: dataDir,
      CLICK_BATCH_SIZE: '100',
      CLICK_BUFFER_MAX: '200',
      CLICK_FLUSH_MS: '50',
      RATE_LIMIT_WIDGET: '1000000',
    })
    try {
      const json = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }
      const page = `${SITE}/story-${Date.now()}`
      const key = await fetch(`${umbra.base}/api/v1/keys`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name: 'outage', kind: 'publishable', origins: [SITE] }),
      })
      const pk = ((await key.json()) as { secret: string }).secret
      const kit = await fetch(`${umbra.base}/api/v1/shares`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ url: page, channels: ['copy'] }),
      })
      const contentId = ((await kit.json()) as { content: { id: string } }).content.id

      let answered = 0
      let sent = 0
      let stop = false
      const others = new Map<number, number>()
      const beacon = JSON.stringify({ type: 'share', url: page, page, channel: 'whatsapp' })
      const headers = { 'content-type': 'text/plain;charset=UTF-8', origin: SITE, 'user-agent': 'Mozilla/5.0' }
      const loops = Array.from({ length: 6 }, async () => {
        while (!stop) {
          sent++
          const status = await post(umbra.base, `/api/v1/beacons?key=${pk}`, beacon, headers)
          if (status === 204) answered++
          else others.set(status, (others.get(status) ?? 0) + 1)
        }
      })
      while (answered < 300) await sleep(20)

      postgres.stop()
      const before = answered
      const during: FunnelReadiness[] = []
      const outageEnds = Date.now() + OUTAGE_MS
      while (Date.now() < outageEnds) {
        during.push((await readiness(umbra.base)) as FunnelReadiness)
        await sleep(250)
      }
      const answeredDuringOutage = answered - before
      postgres.start()
      await sleep(500)
      stop = true
      await Promise.all(loops)

      // Beacons kept their 204s (the key and the content are cached); /readyz showed the funnel's backlog.
      expect(answeredDuringOutage).toBeGreaterThan(100)
      const worst = during.at(-1)
      expect(worst?.status).toBe(503)
      expect(worst?.funnel.databaseHealthy).toBe(false)
      expect(worst?.funnel.backlog).toBeGreaterThan(100)
      expect(worst?.funnel.spooledBatches).toBeGreaterThan(0)

      // Writing resumes by itself and the backlog drains.
      let drained: FunnelReadiness | null = null
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
        const r = (await readiness(umbra.base).catch(() => null)) as FunnelReadiness | null
        if (r?.status === 200 && r.funnel.backlog === 0 && r.funnel.spooledBatches === 0) {
          drained = r
          break
        }
      }
      expect(drained?.funnel.databaseHealthy).toBe(true)
      const db = await connect(postgres.url)
      try {
        const count = async (sql: string) => Number((await db.query(sql, [contentId])).rows[0].n)
        const rows = await count('select count(*) as n from funnel_events where content_id = $1')
        const distinct = await count('select count(distinct id) as n from funnel_events where content_id = $1')
        const rolled = await count(
          'select coalesce(sum(shares), 0) as n from share_rollups_hourly where content_id = $1',
        )
        // Every 204 is there; a beacon refused during the outage (if any) may be too, never twice.
        expect(rows).toBeGreaterThanOrEqual(answered)
        expect(rows).toBeLessThanOrEqual(sent)
        expect(distinct).toBe(rows)
        expect(rolled).toBe(rows)
        // Nothing but 204s answered: no beacon was refused or lost to a 5xx.
        expect(Object.fromEntries(others)).toEqual({})
        expect(rows).toBe(answered)
      } finally {
        await db.end()
      }
      umbra.child.kill('SIGTERM')
      expect((await umbra.exited).code).toBe(0)
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- umbra output:\n${umbra.output().slice(-4000)}`, { cause: err })
    } finally {
      umbra.child.kill('SIGKILL')
      await postgres.destroy()
    }
  }, 90_000)
})
