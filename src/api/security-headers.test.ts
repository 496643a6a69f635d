import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'

let t: TestApp
let live: string
let gone: string
beforeAll(async () => {
  t = await startTestApp()
  const create = async (url: string) =>
    (await t.app.inject({ method: 'POST', url: '/api/v1/links', headers: auth, payload: { url } })).json()
      .code as string
  live = await create('https://example.com/live')
  gone = await create('https://example.com/gone')
  await t.app.inject({ method: 'DELETE', url: `/api/v1/links/${gone}`, headers: auth })
})
afterAll(() => t.close())

const HELMET = [
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'cross-origin-opener-policy',
]

describe('security headers', () => {
  it.each([
    { page: '404', path: () => '/no-such-code-here' },
    { page: '410', path: () => `/${gone}` },
  ])('puts helmet headers on the $page page', async ({ path }) => {
    const res = await t.app.inject({ url: path() })
    for (const h of HELMET) expect(res.headers[h], h).toBeDefined()
    expect(res.headers['content-security-policy']).toContain("default-src 'none'")
    expect(res.headers['referrer-policy']).toBe('no-referrer')
    expect(res.headers['x-robots-tag']).toBe('noindex')
  })

  it('keeps the 302 lean: no helmet headers, noindex, never cached', async () => {
    const res = await t.app.inject({ url: `/${live}` })
    expect(res.statusCode).toBe(302)
    for (const h of HELMET) expect(res.headers[h], h).toBeUndefined()
    expect(res.headers['x-robots-tag']).toBe('noindex')
    expect(res.headers['cache-control']).toBe('private, no-store')
  })

  it('grants CORS nowhere on the API outside the widget route', async () => {
    const res = await t.app.inject({
      url: '/api/v1/links?limit=1',
      headers: { ...auth, origin: 'https://evil.example' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/links',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
    expect(preflight.headers['content-type']).toContain('application/problem+json')
  })
})
