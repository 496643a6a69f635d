import { describe, expect, it } from 'vitest'
import { auth, eventually, startTestApp, testConfig } from '../../test/support/test-app.ts'

const value = (text: string, series: string) =>
  Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)

describe('GET /metrics', () => {
  it('counts redirects, cache lookups and clicks through the pipeline, in Prometheus text', async () => {
    const t = await startTestApp()
    try {
      const { code } = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/links',
          headers: auth,
          payload: { url: 'https://example.com/m' },
        })
      ).json()
      for (let i = 0; i < 3; i++) expect((await t.app.inject(`/${code}`)).statusCode).toBe(302)
      expect((await t.app.inject({ method: 'HEAD', url: `/${code}` })).statusCode).toBe(302)
      expect((await t.app.inject('/no-such-code')).statusCode).toBe(404)

      const text = await eventually(async () => {
        const res = await t.app.inject('/metrics')
        return value(res.body, 'umbra_clicks_written_total') === 3 ? res.body : null
      })
      expect(value(text, 'umbra_redirects_total{status="302"}')).toBe(4)
      expect(value(text, 'umbra_redirects_total{status="404"}')).toBe(1)
      expect(value(text, 'umbra_clicks_captured_total')).toBe(3)
      expect(value(text, 'umbra_clicks_dropped_total{reason="head"}')).toBe(1)
      // One lookup a request; the link's own creation, announced by NOTIFY, may drop it once more after the first load.
      const [hits, misses] = [
        value(text, 'umbra_link_cache_lookups_total{result="hit"}'),
        value(text, 'umbra_link_cache_lookups_total{result="miss"}'),
      ]
      expect(hits + misses).toBe(5)
      expect(hits).toBeGreaterThanOrEqual(2)
      expect(value(text, 'umbra_link_cache_hit_ratio')).toBeCloseTo(hits / 5)
      expect(value(text, 'umbra_click_backlog')).toBe(0)
      expect(text).toMatch(/^umbra_click_batch_seconds_bucket\{le="0\.1"\} \d+$/m)
      expect(text).toMatch(/^umbra_process_resident_memory_bytes \d+$/m)
    } finally {
      await t.close()
    }
  })
})

describe('METRICS_TOKEN', () => {
  const token = 'metrics-token-0123456789abcdefghijkl'

  it('keeps /metrics and the traffic numbers of /readyz for a caller with the token', async () => {
    const t = await startTestApp({ METRICS_TOKEN: token })
    try {
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${token}x` }]) {
        const res = await t.app.inject({ url: '/metrics', headers })
        expect(res.statusCode).toBe(401)
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
        expect(res.body).not.toMatch(/umbra_/)
      }
      const scraped = await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } })
      expect(scraped.statusCode).toBe(200)
      expect(scraped.body).toMatch(/^umbra_process_resident_memory_bytes \d+$/m)

      // A load balancer still reads readiness from the status; the numbers behind it need the token.
      const open = await t.app.inject('/readyz')
      expect(open.statusCode).toBe(200)
      expect(open.json()).toEqual({ status: 'ready', database: 'up' })
      const full = await t.app.inject({ url: '/readyz', headers: { authorization: `Bearer ${token}` } })
      expect(full.json()).toMatchObject({ status: 'ready', clicks: { written: expect.any(Number) } })
    } finally {
      await t.close()
    }
  })

  it('leaves both open without the setting, and refuses a short token at start', async () => {
    const t = await startTestApp()
    try {
      expect((await t.app.inject('/metrics')).statusCode).toBe(200)
      expect((await t.app.inject('/readyz')).json()).toMatchObject({ clicks: { written: expect.any(Number) } })
    } finally {
      await t.close()
    }
    expect(() => testConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 32 characters/)
  })
})
