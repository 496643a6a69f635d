import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, startTestApp, type TestApp } from './support/test-app.ts'

/**
 * Issue 13, finding 4: no request a key holder can make may hold the event loop, because every redirect of
 * the instance waits behind it. The heaviest calls a links:read / links:write / stats:read key can make run
 * side by side with redirects, and the loop's worst stall is measured in this process (app.inject serves
 * them here). Before: one qr.png?size=2048 rendered on the loop in 350–620 ms, a 1.6 MiB import parsed in
 * ~100 ms (more on a busy machine); together they held it for 6.4 s here. The bound, below one 2048 px rendering
 * of the old code, leaves room for a loaded 2-core machine, where the process itself waits for a core and GC:
 * measured 35–110 ms at load 5–8 and 140–190 ms at load 15 (gaps with no drawing or parsing on the loop at all).
 */
const WORST_STALL_MS = 300
const QR_REQUESTS = 16
const IMPORT_BYTES = 1.6 * 1024 * 1024

let t: TestApp
const run = Math.random().toString(36).slice(2, 8)
const codes: string[] = []

/** A CSV export of about `bytes` bytes: distinct codes, long targets, titles and click totals. */
function largeCsvExport(bytes: number): string {
  const lines = ['code,url,title,clicks']
  for (let i = 0, size = 0; size < bytes; i++) {
    const line = `st${run}-${i},https://example.com/articles/${i}/a-long-path-for-an-article?ref=${i},Article ${i},${i}`
    lines.push(line)
    size += line.length + 1
  }
  return `${lines.join('\n')}\n`
}

beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_API_READS: '100000', RATE_LIMIT_API_WRITES: '100000' })
  for (let i = 0; i < QR_REQUESTS; i++) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: auth,
      // Long codes: bigger QR versions, so each PNG is a fresh rendering of a large code.
      payload: { url: `https://example.com/stall/${i}`, code: `stall-${run}-${i}-${'q'.repeat(40)}` },
    })
    expect(res.statusCode).toBe(201)
    codes.push(res.json().code)
  }
  // Warm every path once (JIT, first queries), so the measurement sees steady-state work.
  await t.app.inject({ url: `/api/v1/links/${codes[0]}/qr.png?size=64`, headers: auth })
  await t.app.inject({ url: `/${codes[0]}` })
}, 60_000)
afterAll(() => t?.close())

describe('the event loop under the heaviest calls a key holder can make', () => {
  it(`never stalls ${WORST_STALL_MS} ms while QR codes, an import, an export and reports run beside redirects`, async () => {
    const csv = largeCsvExport(IMPORT_BYTES)
    const delay = monitorEventLoopDelay({ resolution: 5 })
    const redirectMs: number[] = []
    const redirectStatuses = new Set<number>()
    let heavyDone = false
    delay.enable()
    const redirects = (async () => {
      while (!heavyDone) {
        const started = performance.now()
        const res = await t.app.inject({ url: `/${codes[redirectMs.length % codes.length]}` })
        redirectStatuses.add(res.statusCode)
        redirectMs.push(performance.now() - started)
        // A steady trickle, as visitors arrive: a tight loop would measure the click pipeline under a flood.
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
    })()
    const day = 86_400_000
    const range = `from=${new Date(Date.now() - 30 * day).toISOString()}&to=${new Date(Date.now() + day).toISOString()}`
    const settled = await Promise.allSettled([
      ...codes.map((code) => t.app.inject({ url: `/api/v1/links/${code}/qr.png?size=2048`, headers: auth })),
      ...codes.map((code) => t.app.inject({ url: `/api/v1/links/${code}/qr.svg`, headers: auth })),
      t.app.inject({
        method: 'POST',
        url: '/api/v1/imports?format=csv&dryRun=true',
        headers: { ...auth, 'content-type': 'text/csv' },
        payload: csv,
      }),
      t.app.inject({ url: `/api/v1/exports/clicks.csv?${range}`, headers: auth }),
      t.app.inject({ url: `/api/v1/reports/channels?${range}`, headers: auth }),
      t.app.inject({ url: `/api/v1/reports/topics?${range}`, headers: auth }),
      t.app.inject({ url: '/api/v1/links?limit=200', headers: auth }),
    ])
    heavyDone = true
    await redirects
    delay.disable()
    const worstStallMs = delay.max / 1e6
    expect(worstStallMs).toBeLessThan(WORST_STALL_MS)

    // The heavy calls did their work (full-size PNGs, the whole import planned), and every redirect its 302.
    expect([...redirectStatuses]).toEqual([302])
    const heavy = settled.map((s) => (s.status === 'fulfilled' ? s.value : expect.fail(String(s.reason))))
    for (const res of heavy) expect(res.statusCode, res.body.slice(0, 200)).toBe(200)
    for (const res of heavy.slice(0, QR_REQUESTS)) expect(res.rawPayload.readUInt32BE(16)).toBe(2048)
    const imported = heavy[2 * QR_REQUESTS].json()
    expect(imported.created).toBeGreaterThan(10_000)

    const sorted = [...redirectMs].sort((a, b) => a - b)
    const p90 = sorted[Math.floor(sorted.length * 0.9)]
    console.info(
      `event loop: worst stall ${worstStallMs.toFixed(1)} ms; ${redirectMs.length} redirects beside, p90 ${p90.toFixed(1)} ms`,
    )
    expect(redirectMs.length).toBeGreaterThan(QR_REQUESTS)
  }, 120_000)
})
