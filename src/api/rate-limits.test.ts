import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../app.ts'
import { createTestKey, type TestKey } from '../../test/support/api-keys.ts'
import { auth, testConfig, type TestApp } from '../../test/support/test-app.ts'

const WINDOW_MS = 1_500
let t: TestApp
let keyA: TestKey
let keyB: TestKey

beforeAll(async () => {
  const config = testConfig({
    RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
    RATE_LIMIT_API_READS: '3',
    RATE_LIMIT_API_WRITES: '2',
    RATE_LIMIT_MISSES: '3',
    RATE_LIMIT_WIDGET: '2',
    // One proxy in front; requests without X-Forwarded-For are the peer's own.
    TRUST_PROXY: '1',
  })
  const app = await buildApp(config)
  // A widget-style route, configured as the shares routes can: per client IP, whoever's key it is.
  app.post('/api/v1/test-widget', { config: { scope: 'shares:write', limit: 'ip-widget' } }, async () => ({ ok: true }))
  await app.ready()
  t = { app, config, close: () => app.close() }
  keyA = await createTestKey(app, { scopes: ['links:read', 'links:write', 'shares:write'] })
  keyB = await createTestKey(app, { scopes: ['links:read', 'links:write', 'shares:write'] })
})
afterAll(() => t.close())

const read = (key: TestKey) => t.app.inject({ url: '/api/v1/links?limit=1', headers: key.headers })
const write = (key: TestKey) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/links',
    headers: key.headers,
    payload: { url: 'https://example.com/rl' },
  })
const nextWindow = () => new Promise((r) => setTimeout(r, WINDOW_MS + 50))

function expectRefused(res: Awaited<ReturnType<typeof read>>, limit: number) {
  expect(res.statusCode).toBe(429)
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
  expect(res.headers['ratelimit-limit']).toBe(String(limit))
  expect(res.headers['ratelimit-remaining']).toBe('0')
  expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1)
}

describe('API rate limits (per key)', () => {
  it('counts reads per key, says what is left, answers 429 problems with Retry-After, and resets with the window', async () => {
    await nextWindow()
    const remaining = []
    for (let i = 0; i < 3; i++) {
      const res = await read(keyA)
      expect(res.statusCode).toBe(200)
      expect(res.headers['ratelimit-limit']).toBe('3')
      remaining.push(res.headers['ratelimit-remaining'])
    }
    expect(remaining).toEqual(['2', '1', '0'])
    const refused = await read(keyA)
    expectRefused(refused, 3)
    expect(refused.headers['content-type']).toContain('application/problem+json')
    expect(refused.json()).toMatchObject({
      status: 429,
      type: 'https://umbra.dev/problems/rate-limited',
      title: 'Too many requests',
    })

    expect((await read(keyB)).statusCode).toBe(200) // another key has its own budget
    expect((await write(keyA)).statusCode).toBe(201) // writes have their own budget
    await nextWindow()
    expect((await read(keyA)).statusCode).toBe(200)
  })

  it('adds writes up across write routes', async () => {
    await nextWindow()
    const created = await write(keyA)
    expect(created.statusCode).toBe(201)
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/links/${created.json().code}`,
      headers: keyA.headers,
      payload: { title: 't' },
    })
    expect(patch.statusCode).toBe(200)
    expectRefused(
      await t.app.inject({ method: 'DELETE', url: `/api/v1/links/${created.json().code}`, headers: keyA.headers }),
      2,
    )
  })

  it('limits the bootstrap admin key like any other', async () => {
    await nextWindow()
    for (let i = 0; i < 3; i++)
      expect((await t.app.inject({ url: '/api/v1/keys', headers: auth })).statusCode).toBe(200)
    expectRefused(await t.app.inject({ url: '/api/v1/keys', headers: auth }), 3)
  })
})

describe('failed API keys (per client IP)', () => {
  const wrong = { authorization: `Bearer umb_${'B'.repeat(43)}` }
  const attempt = (headers: Record<string, string>, ip: string) =>
    t.app.inject({ url: '/api/v1/links', headers, remoteAddress: ip })

  it('once a client has spent its budget, every authentication from it gets 429, the right key too, until the window passes', async () => {
    await nextWindow()
    for (let i = 0; i < 3; i++) expect((await attempt(wrong, '192.0.2.44')).statusCode).toBe(401)
    for (const headers of [keyA.headers, auth, wrong]) {
      const refused = await attempt(headers, '192.0.2.44')
      expectRefused(refused, 3)
      expect(refused.headers['content-type']).toContain('application/problem+json')
      expect(refused.json().detail).toContain('too many invalid API keys')
    }
    expect((await attempt(wrong, '192.0.2.45')).statusCode).toBe(401) // another client has its own budget
    expect((await attempt(keyA.headers, '192.0.2.45')).statusCode).toBe(200)
    await nextWindow()
    expect((await attempt(keyA.headers, '192.0.2.44')).statusCode).toBe(200)
  })

  it('counts unknown dashboard session cookies as failures', async () => {
    await nextWindow()
    for (let i = 0; i < 3; i++) {
      const bogus = await attempt({ cookie: `umbra_session=${String(i).repeat(43)}` }, '192.0.2.46')
      expect(bogus.statusCode).toBe(401)
    }
    expectRefused(await attempt(keyA.headers, '192.0.2.46'), 3)
  })

  it('counts the client behind the proxy: addresses prepended to X-Forwarded-For do not make a new client', async () => {
    await nextWindow()
    const viaProxy = (headers: Record<string, string>, i: number) =>
      t.app.inject({
        url: '/api/v1/links',
        headers: { ...headers, 'x-forwarded-for': `10.${i}.0.1, 198.51.100.${i}, 192.0.2.47` },
        remoteAddress: '10.0.0.2',
      })
    for (let i = 0; i < 3; i++) expect((await viaProxy(wrong, i)).statusCode).toBe(401)
    expectRefused(await viaProxy(keyA.headers, 9), 3)
    expectRefused(await attempt(keyA.headers, '192.0.2.47'), 3) // the same client reaching us directly
    expect((await attempt(keyA.headers, '10.0.0.2')).statusCode).toBe(200) // the proxy itself is not refused
  })

  it('counts a whole IPv6 /64 as one client', async () => {
    await nextWindow()
    for (let i = 1; i <= 3; i++) expect((await attempt(wrong, `2001:db8:44:1::${i}`)).statusCode).toBe(401)
    expectRefused(await attempt(keyA.headers, '2001:db8:44:1:ffff::9'), 3)
    expect((await attempt(keyA.headers, '2001:db8:44:2::1')).statusCode).toBe(200)
  })
})

describe('widget rate limit (per client IP)', () => {
  const widget = (key: TestKey, ip: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/test-widget', headers: key.headers, payload: {}, remoteAddress: ip })

  it('counts per IP whichever key is used', async () => {
    await nextWindow()
    expect((await widget(keyA, '198.51.100.7')).statusCode).toBe(200)
    expect((await widget(keyB, '198.51.100.7')).statusCode).toBe(200)
    expectRefused(await widget(keyA, '198.51.100.7'), 2)
    expect((await widget(keyA, '198.51.100.8')).statusCode).toBe(200)
  })
})

describe('redirect pages', () => {
  it('limits 404 and 410 pages per client IP (code enumeration) with an HTML 429', async () => {
    await nextWindow()
    const miss = (path: string, ip: string) => t.app.inject({ url: path, remoteAddress: ip })
    const disabled = await write(keyB)
    await t.app.inject({ method: 'DELETE', url: `/api/v1/links/${disabled.json().code}`, headers: auth })

    expect((await miss('/no-such-code-1', '203.0.113.9')).statusCode).toBe(404)
    expect((await miss(`/${disabled.json().code}`, '203.0.113.9')).statusCode).toBe(410)
    const last = await miss('/no-such-code-3', '203.0.113.9')
    expect(last.statusCode).toBe(404)
    expect(last.headers['ratelimit-remaining']).toBe('0')
    const refused = await miss('/no-such-code-4', '203.0.113.9')
    expectRefused(refused, 3)
    expect(refused.headers['content-type']).toContain('text/html')
    expect(refused.headers['x-robots-tag']).toBe('noindex')
    expect((await miss('/no-such-code-5', '203.0.113.10')).statusCode).toBe(404)
  })

  it('refuses a client past its 404/410 budget every code, live ones too, without a lookup, until the window passes', async () => {
    await nextWindow()
    const live = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/links',
        headers: auth,
        payload: { url: 'https://example.com/hot' },
      })
    ).json()
    const from = (path: string, ip: string) => t.app.inject({ url: path, remoteAddress: ip })
    expect((await from(`/${live.code}`, '203.0.113.50')).statusCode).toBe(302)
    for (let i = 0; i < 3; i++) expect((await from(`/nope-${i}`, '203.0.113.50')).statusCode).toBe(404)

    const lookupsBefore = await cacheMisses()
    const refused = await from(`/${live.code}`, '203.0.113.50')
    expectRefused(refused, 3)
    expect(refused.headers['content-type']).toContain('text/html')
    expect(refused.headers.location).toBeUndefined()
    for (let i = 0; i < 5; i++) expectRefused(await from(`/never-seen-${i}`, '203.0.113.50'), 3)
    expect(await cacheMisses()).toBe(lookupsBefore) // refused before the cache or Postgres was asked

    expect((await from(`/${live.code}`, '203.0.113.51')).statusCode).toBe(302) // another client is not refused
    await nextWindow()
    expect((await from(`/${live.code}`, '203.0.113.50')).statusCode).toBe(302)
  })
})

/** Link cache misses so far (each one a Postgres lookup), as /metrics reports them. */
async function cacheMisses(): Promise<number> {
  const text = await t.app.metrics.registry.getSingleMetricAsString('umbra_link_cache_lookups_total')
  return Number(/result="miss"\} (\d+)/.exec(text)![1])
}
