import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, eventually, startTestApp, type TestApp } from '../../test/support/test-app.ts'

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'

let t: TestApp
let base: string
let code: string

const get = (path: string, init: RequestInit = {}) =>
  fetch(`${base}${path}`, {
    redirect: 'manual',
    ...init,
    headers: { 'user-agent': CHROME, ...(init.headers as Record<string, string>) },
  })
const statsOf = async (c: string) => (await t.app.inject({ url: `/api/v1/links/${c}/stats`, headers: auth })).json()
const redirectHeaders = (res: Response) => ({
  status: res.status,
  location: res.headers.get('location'),
  cacheControl: res.headers.get('cache-control'),
  robots: res.headers.get('x-robots-tag'),
  length: res.headers.get('content-length'),
})

beforeAll(async () => {
  t = await startTestApp()
  base = await t.app.listen({ host: '127.0.0.1', port: 0 })
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/links',
    headers: auth,
    payload: { url: 'https://example.com/fast' },
  })
  code = res.json().code
})
afterAll(() => t.close())

describe('redirects of cached links, answered ahead of Fastify', () => {
  it('answers exactly as the Fastify route does, and counts both', async () => {
    const first = await get(`/${code}`) // not cached yet: the route answers and caches it
    const second = await get(`/${code}?utm_source=x`) // cached: the fast path answers
    expect(redirectHeaders(second)).toEqual(redirectHeaders(first))
    expect(redirectHeaders(second)).toEqual({
      status: 302,
      location: 'https://example.com/fast',
      cacheControl: 'private, no-store',
      robots: 'noindex',
      length: '0',
    })
    await eventually(async () => (await statsOf(code)).clicks === 2, 3_000)
  })

  it('does not count HEAD or prefetches, and leaves unknown, disabled and static paths to the routes', async () => {
    expect((await get(`/${code}`, { method: 'HEAD' })).status).toBe(302)
    expect((await get(`/${code}`, { headers: { 'sec-purpose': 'prefetch' } })).status).toBe(302)
    await eventually(async () => {
      const s = await statsOf(code)
      return s.lossLedger.head === 1 && s.lossLedger.prefetch === 1 && s.clicks === 2
    }, 3_000)
    expect((await get('/no-such-code-here')).status).toBe(404)
    expect((await get('/healthz')).status).toBe(200)
    expect((await get(`/${code}/more`)).status).toBe(404)
    await t.app.inject({ method: 'DELETE', url: `/api/v1/links/${code}`, headers: auth })
    expect((await get(`/${code}`)).status).toBe(410)
  })
})

describe('a client past its 404/410 budget, on the fast path', () => {
  const WINDOW_MS = 1_500
  let limited: TestApp
  let url: string
  beforeAll(async () => {
    limited = await startTestApp({ RATE_LIMIT_MISSES: '2', RATE_LIMIT_WINDOW_MS: String(WINDOW_MS), TRUST_PROXY: '1' })
    url = await limited.app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(() => limited.close())

  // Through one proxy (this test's socket): the client is the rightmost X-Forwarded-For address.
  const from = (path: string, forwardedFor: string) =>
    fetch(`${url}${path}`, { redirect: 'manual', headers: { 'user-agent': CHROME, 'x-forwarded-for': forwardedFor } })

  it('gets 429 for a cached live link too, whatever it prepends to X-Forwarded-For, until the window passes', async () => {
    const live = (
      await limited.app.inject({
        method: 'POST',
        url: '/api/v1/links',
        headers: auth,
        payload: { url: 'https://example.com/fast-limited' },
      })
    ).json()
    expect((await from(`/${live.code}`, '198.51.100.20')).status).toBe(302) // cached from here on
    expect((await from(`/${live.code}`, '198.51.100.20')).status).toBe(302)
    for (let i = 0; i < 2; i++) expect((await from(`/gone-${i}`, '198.51.100.20')).status).toBe(404)

    for (const forwardedFor of ['198.51.100.20', '6.6.6.6, 198.51.100.20', '7.7.7.7,8.8.8.8, 198.51.100.20']) {
      const refused = await from(`/${live.code}`, forwardedFor)
      expect(refused.status).toBe(429)
      expect(refused.headers.get('location')).toBeNull()
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    }
    expect((await from(`/${live.code}`, '198.51.100.21')).status).toBe(302)
    await new Promise((r) => setTimeout(r, WINDOW_MS + 50))
    expect((await from(`/${live.code}`, '198.51.100.20')).status).toBe(302)
    expect((await from(`/${live.code}`, '198.51.100.20')).status).toBe(302)
  })
})
