import { readdirSync, statSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ADMIN_KEY, realDatabaseUrl } from '../support/test-app.ts'
import { connect, readiness, startUmbra, tempDataDir } from './fault-harness.ts'
import { removedAfterAll } from '../support/temp-dirs.ts'

const url = realDatabaseUrl()
const dirs = removedAfterAll()
const SITE = 'https://kill.example'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

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

describe.skipIf(!url)('beacons: SIGKILL mid-load, then restart', () => {
  it('every beacon that got its 204 is in Postgres once, and the rollups equal a recount of the rows', async () => {
    const dataDir = tempDataDir()
    dirs.push(dataDir)
    const env = { DATABASE_URL: url!, DATA_DIR: dataDir, CLICK_FLUSH_MS: '500', RATE_LIMIT_WIDGET: '1000000' }
    const first = await startUmbra(env)
    const json = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }
    const page = `${SITE}/story-${Date.now()}`
    const keyAnswer = await fetch(`${first.base}/api/v1/keys`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'kill', kind: 'publishable', origins: [SITE] }),
    })
    const pk = ((await keyAnswer.json()) as { secret: string }).secret
    const kit = (await (
      await fetch(`${first.base}/api/v1/shares`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ url: page, channels: ['copy'] }),
      })
    ).json()) as { content: { id: string } }

    // Share beacons in 8 loops until the kill; each one's answer is tallied.
    let answered = 0
    let sent = 0
    let stop = false
    const beacon = JSON.stringify({ type: 'share', url: page, page, channel: 'whatsapp' })
    const headers = { 'content-type': 'text/plain;charset=UTF-8', origin: SITE, 'user-agent': 'Mozilla/5.0' }
    const loops = Array.from({ length: 8 }, async () => {
      while (!stop) {
        sent++
        const status = await post(first.base, `/api/v1/beacons?key=${pk}`, beacon, headers)
        if (status === 204) answered++
        else if (status !== 0) throw new Error(`beacon answered ${status}`)
      }
    })
    while (answered < 1_000) await sleep(20)
    first.child.kill('SIGKILL')
    await first.exited
    stop = true
    await Promise.all(loops)
    // Up to half a second of beacons were only in the journal when the process died (19 bytes: a COPY header).
    const journal = join(dataDir, 'funnel-journal')
    const journaled = readdirSync(journal)
      .filter((f) => f.endsWith('.bin'))
      .reduce((n, f) => n + statSync(join(journal, f)).size - 19, 0)
    expect(journaled).toBeGreaterThan(0)

    const second = await startUmbra(env)
    const db = await connect(url!)
    try {
      for (let i = 0; i < 150; i++) {
        const r = (await readiness(second.base).catch(() => null)) as {
          status: number
          funnel?: { backlog: number; spooledBatches: number }
        } | null
        if (r?.status === 200 && r.funnel?.backlog === 0 && r.funnel.spooledBatches === 0) break
        await sleep(100)
      }
      const rows = Number(
        (await db.query('select count(*) from funnel_events where content_id = $1', [kit.content.id])).rows[0].count,
      )
      const distinct = Number(
        (await db.query('select count(distinct id) from funnel_events where content_id = $1', [kit.content.id])).rows[0]
          .count,
      )
      const rolled = Number(
        (
          await db.query('select coalesce(sum(shares), 0) as n from share_rollups_hourly where content_id = $1', [
            kit.content.id,
          ])
        ).rows[0].n,
      )
      // Answered ones are all there; the few in flight at the kill may be too (written before their answer left).
      expect(rows).toBeGreaterThanOrEqual(answered)
      expect(rows).toBeLessThanOrEqual(sent)
      expect(distinct).toBe(rows)
      expect(rolled).toBe(rows)
      second.child.kill('SIGTERM')
      expect((await second.exited).code).toBe(0)
    } finally {
      await db.end()
      second.child.kill('SIGKILL')
    }
  }, 120_000)
})
