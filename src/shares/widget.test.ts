import { readFileSync } from 'node:fs'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestKey } from '../../test/support/api-keys.ts'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'
import { preflightAnswer } from './widget-cors.ts'
import { WIDGET_SOURCE } from './widget-routes.ts'

// The budget for the whole page tag, buttons and beacons: 5 KB gzipped.
const WIDGET_BUDGET_GZIP_BYTES = 5 * 1024

describe('widget size', () => {
  it(`stays within ${WIDGET_BUDGET_GZIP_BYTES} bytes gzipped`, () => {
    const size = gzipSync(readFileSync(WIDGET_SOURCE), { level: 9 }).length
    console.info(`widget.js: ${readFileSync(WIDGET_SOURCE).length} bytes, ${size} bytes gzipped`)
    expect(size).toBeLessThanOrEqual(WIDGET_BUDGET_GZIP_BYTES)
  })
})

describe('CORS preflight of the widget route', () => {
  const ok = { origin: 'https://www.example.com', method: 'POST', requestHeaders: 'authorization,content-type' }
  it.each([
    { name: 'the widget’s own request', p: ok, granted: true },
    {
      name: 'headers in another case and order',
      p: { ...ok, requestHeaders: 'Content-Type, Authorization' },
      granted: true,
    },
    { name: 'no extra headers asked', p: { ...ok, requestHeaders: undefined }, granted: true },
    { name: 'an origin with a port', p: { ...ok, origin: 'http://127.0.0.1:5173' }, granted: true },
    { name: 'another method', p: { ...ok, method: 'DELETE' }, granted: false },
    { name: 'an extra header', p: { ...ok, requestHeaders: 'authorization,content-type,x-admin' }, granted: false },
    { name: 'no Origin', p: { ...ok, origin: undefined }, granted: false },
    { name: 'Origin null', p: { ...ok, origin: 'null' }, granted: false },
    { name: 'an origin with a path', p: { ...ok, origin: 'https://www.example.com/page' }, granted: false },
    { name: 'a non-web scheme', p: { ...ok, origin: 'chrome-extension://abcdef' }, granted: false },
  ])('$name → granted: $granted', ({ p, granted }) => {
    const answer = preflightAnswer(p)
    if (!granted) return expect(answer).toBeNull()
    expect(answer).toEqual({
      'access-control-allow-origin': p.origin,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-max-age': '600',
      vary: 'Origin',
    })
  })
})

describe('widget routes', () => {
  let t: TestApp
  let pk: string
  const site = 'https://blog.example.com'
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_WIDGET: '100000' })
    pk = (await createTestKey(t.app, { kind: 'publishable', origins: [site] })).secret
  })
  afterAll(() => t.close())

  const kit = (headers: Record<string, string>, url = `${site}/post-${Math.random()}`) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/kit',
      headers: { 'content-type': 'application/json', ...headers },
      payload: { url, title: 'Hello', channels: ['whatsapp', 'copy'] },
    })

  it('serves /widget.js as cacheable, cross-origin JavaScript, gzipped when asked', async () => {
    const plain = await t.app.inject({ url: '/widget.js' })
    expect(plain.statusCode).toBe(200)
    expect(plain.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cross-origin-resource-policy': 'cross-origin',
    })
    expect(plain.body).toBe(readFileSync(WIDGET_SOURCE, 'utf8'))
    const gzipped = await t.app.inject({ url: '/widget.js', headers: { 'accept-encoding': 'gzip, br' } })
    expect(gzipped.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(plain.body)
    expect(gzipped.rawPayload.length).toBeLessThanOrEqual(WIDGET_BUDGET_GZIP_BYTES)
    const again = await t.app.inject({ url: '/widget.js', headers: { 'if-none-match': String(plain.headers.etag) } })
    expect(again.statusCode).toBe(304)
  })

  it('answers a preflight from any web origin for exactly the widget’s request, and refuses others', async () => {
    const preflight = (headers: Record<string, string>) =>
      t.app.inject({ method: 'OPTIONS', url: '/api/v1/widget/kit', headers })
    const granted = await preflight({
      origin: 'https://anyone.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    })
    expect(granted.statusCode).toBe(204)
    expect(granted.headers['access-control-allow-origin']).toBe('https://anyone.example')
    const refused = await preflight({ origin: 'https://anyone.example', 'access-control-request-method': 'PUT' })
    expect(refused.statusCode).toBe(403)
    expect(refused.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('grants CORS to a page on the key’s origin', async () => {
    const res = await kit({ authorization: `Bearer ${pk}`, origin: site })
    expect(res.statusCode).toBe(201)
    expect(res.headers['access-control-allow-origin']).toBe(site)
    expect(res.headers.vary).toContain('Origin')
    expect(res.json().links.map((l: { channel: string }) => l.channel)).toEqual(['whatsapp', 'copy'])
  })

  it('grants the normalised origin, never the raw Origin header', async () => {
    const res = await kit({ authorization: `Bearer ${pk}`, origin: 'HTTPS://Blog.Example.COM:443' })
    expect(res.statusCode).toBeLessThan(300)
    expect(res.headers['access-control-allow-origin']).toBe(site)
  })

  it.each([
    { name: 'a page on another site', origin: 'https://copycat.example', url: undefined },
    { name: 'a page of its site asking for another site’s URL', origin: site, url: 'https://copycat.example/post' },
  ])(
    'refuses $name with a 403 the page can read (its console shows why), and mints nothing',
    async ({ origin, url }) => {
      const before = Number((await t.app.pg.query('select count(*) from links')).rows[0].count)
      const res = await kit({ authorization: `Bearer ${pk}`, origin }, url)
      expect(res.statusCode).toBe(403)
      expect(res.headers['access-control-allow-origin']).toBe(origin)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json().detail).toMatch(/publishable key/)
      expect(Number((await t.app.pg.query('select count(*) from links')).rows[0].count)).toBe(before)
    },
  )

  it('lets a page read a 401 for a wrong key, with the server’s reason', async () => {
    const res = await kit({ authorization: 'Bearer pk_wrong', origin: 'https://copycat.example' })
    expect(res.statusCode).toBe(401)
    expect(res.headers['access-control-allow-origin']).toBe('https://copycat.example')
    expect(res.json().detail).toBe('the API key is not valid')
  })

  it('takes no campaign or UTM from a page key', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/kit',
      headers: { authorization: `Bearer ${pk}`, origin: site },
      payload: { url: `${site}/x`, utm: true },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].field).toBe('utm')
  })

  it('serves a secret key from a server, without CORS headers', async () => {
    const res = await kit({ ...auth, origin: 'https://somewhere.example' }, 'https://somewhere.example/post')
    expect(res.statusCode).toBe(201)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('widget rate limit', () => {
  it('limits the kit route per client IP, whichever site’s key is used', async () => {
    const t = await startTestApp({ RATE_LIMIT_WIDGET: '2' })
    try {
      const sites = ['https://a.example', 'https://b.example']
      const keys = await Promise.all(
        sites.map((origin) => createTestKey(t.app, { kind: 'publishable', origins: [origin] })),
      )
      const call = (i: number, ip: string) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/widget/kit',
          remoteAddress: ip,
          headers: { ...keys[i].headers, origin: sites[i] },
          payload: { url: `${sites[i]}/p`, channels: ['copy'] },
        })
      expect((await call(0, '203.0.113.5')).statusCode).toBe(201)
      expect((await call(1, '203.0.113.5')).statusCode).toBe(201)
      expect((await call(0, '203.0.113.5')).statusCode).toBe(429)
      expect((await call(0, '203.0.113.6')).statusCode).toBe(200)
    } finally {
      await t.close()
    }
  })
})
