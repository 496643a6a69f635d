import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { arrivalBeacon, shareBeacon } from '../../test/support/beacon-bodies.ts'
import { createTestKey } from '../../test/support/api-keys.ts'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'

const SITE = 'https://news.example'
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

describe('POST /api/v1/beacons', () => {
  let t: TestApp
  let pk: string
  let article: string

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_WIDGET: '100000' })
    pk = (await createTestKey(t.app, { kind: 'publishable', origins: [SITE] })).secret
    article = `${SITE}/beacon-article-${Date.now()}`
    const kit = await t.app.inject({
      method: 'POST',
      url: '/api/v1/shares',
      headers: auth,
      payload: { url: article, channels: ['whatsapp', 'copy'] },
    })
    expect(kit.statusCode).toBe(201)
  })
  afterAll(() => t?.close())

  const share = (over: Record<string, unknown> = {}) => shareBeacon(article, over)
  const arrival = (over: Record<string, unknown> = {}) => arrivalBeacon(article, over)
  // As navigator.sendBeacon sends it: key in the URL, JSON as text/plain, the page's Origin.
  const send = (body: unknown, o: { key?: string | null; origin?: string | null; ua?: string; raw?: string } = {}) =>
    t.app.inject({
      method: 'POST',
      url: o.key === null ? '/api/v1/beacons' : `/api/v1/beacons?key=${encodeURIComponent(o.key ?? pk)}`,
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        'user-agent': o.ua ?? CHROME,
        ...(o.origin === null ? {} : { origin: o.origin ?? SITE }),
      },
      payload: o.raw ?? JSON.stringify(body),
    })
  const funnelRows = async () => Number((await t.app.pg.query('select count(*) from funnel_events')).rows[0].count)

  it.each([
    { name: 'no key', body: () => share(), o: { key: null }, status: 401, detail: /\?key=pk_/ },
    {
      name: 'a secret key in the URL',
      body: () => share(),
      o: { key: `umb_${'A'.repeat(43)}` },
      status: 401,
      detail: /only a publishable key/,
    },
    {
      name: 'an unknown publishable key',
      body: () => share(),
      o: { key: `pk_${'A'.repeat(43)}` },
      status: 401,
      detail: /not valid/,
    },
    {
      name: 'a page of another site',
      body: () => share(),
      o: { origin: 'https://copycat.example' },
      status: 403,
      detail: /not allowed on pages of https:\/\/copycat.example/,
    },
    { name: 'no Origin', body: () => share(), o: { origin: null }, status: 403, detail: /from a web page/ },
    {
      name: 'a content URL off the key’s origins',
      body: () => share({ url: 'https://copycat.example/a' }),
      o: {},
      status: 403,
      detail: /cannot make share kits for https:\/\/copycat.example/,
    },
    {
      name: 'a page URL off the key’s origins',
      body: () => share({ page: 'https://copycat.example/a' }),
      o: {},
      status: 403,
      detail: /copycat/,
    },
    {
      name: 'a URL without a kit',
      body: () => share({ url: `${SITE}/never-shared` }),
      o: {},
      status: 404,
      detail: /share kit for/,
    },
    { name: 'a body that is not JSON', body: () => null, o: { raw: '{"type":' }, status: 400, detail: /must be JSON/ },
    { name: 'an unknown channel', body: () => share({ channel: 'myspace' }), o: {}, status: 400, detail: /channel/ },
    {
      name: 'an unknown field',
      body: () => share({ visitor: 'abc' }),
      o: {},
      status: 400,
      detail: /visitor|unrecognized/i,
    },
    {
      name: 'a generation without a token',
      body: () => arrival({ generation: 3 }),
      o: {},
      status: 400,
      detail: /generation/,
    },
    {
      name: 'a token without a generation',
      body: () => arrival({ parent: 'AAAAAAAA' }),
      o: {},
      status: 400,
      detail: /generation/,
    },
    {
      name: 'a malformed token',
      body: () => arrival({ parent: 'A"><script>', generation: 1 }),
      o: {},
      status: 400,
      detail: /parent/,
    },
    {
      name: 'a generation beyond 99',
      body: () => arrival({ parent: 'AAAAAAAA', generation: 100 }),
      o: {},
      status: 400,
      detail: /generation/,
    },
    {
      name: 'a javascript: URL',
      body: () => share({ page: 'javascript:alert(1)' }),
      o: {},
      status: 400,
      detail: /page/,
    },
    { name: 'a body over 4 KB', body: () => null, o: { raw: 'x'.repeat(5000) }, status: 413, detail: /./ },
  ])(
    'refuses $name with a $status problem the page can read, and keeps nothing',
    async ({ body, o, status, detail }) => {
      const before = await funnelRows()
      const res = await send(body(), o as never)
      expect(res.statusCode).toBe(status)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json().detail).toMatch(detail)
      if ((o as { origin?: string | null }).origin !== null)
        expect(res.headers['access-control-allow-origin']).toBe((o as { origin?: string }).origin ?? SITE)
      expect(await funnelRows()).toBe(before)
    },
  )

  it('answers a page view that is not a person with 204 and counts nothing', async () => {
    const before = await funnelRows()
    const res = await send(arrival(), { ua: BOT })
    expect(res.statusCode).toBe(204)
    expect(await funnelRows()).toBe(before)
  })

  it('never takes a dashboard session in place of the key', async () => {
    const res = await send(share(), { key: null })
    expect(res.statusCode).toBe(401)
  })
})
