import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestKey } from './support/api-keys.ts'
import { snapshotTables } from './support/table-snapshot.ts'
import { auth, eventually, startTestApp, type TestApp } from './support/test-app.ts'

// Several short domains on one instance, on real Postgres: the same code on two domains, Host routing
// through the fast path (a listening server) and the route (inject), and per-domain cache invalidation
// across two instances sharing the database.
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const run = Date.now().toString(36)
const BRAND = `go.brand-${run}.test`
const OTHER = `brand-${run}.link`
const CODE = `sale-${run}`

let a: TestApp
let b: TestApp
let base: string

const api = (t: TestApp, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload ? { payload } : {}) })
/** GET /code as sent to the listening server (the fast path answers cached live links); fetch cannot set Host. */
const visit = (path: string, host: string) =>
  new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
    const req = request(`${base}${path}`, { headers: { host, 'user-agent': CHROME } }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode!, location: res.headers.location }))
    })
    req.on('error', reject)
    req.end()
  })
const routeVisit = (t: TestApp, path: string, host: string) =>
  t.app.inject({ url: path, headers: { host, 'user-agent': CHROME } })

beforeAll(async () => {
  a = await startTestApp({ PUBLIC_URL: 'https://umbra.test', DOMAINS: OTHER })
  b = await startTestApp({ PUBLIC_URL: 'https://umbra.test' })
  base = await a.app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(async () => {
  await a?.close()
  await b?.close()
})

describe('short domains', () => {
  it('adds a domain (keys:admin), lists it with the default and the DOMAINS one, refuses it twice', async () => {
    const added = await api(a, 'POST', '/domains', {
      host: ` ${BRAND.toUpperCase()}. `,
      rootRedirect: 'https://brand.example/',
      notFoundUrl: 'https://brand.example/missing',
    })
    expect(added.statusCode).toBe(201)
    expect(added.json()).toMatchObject({ host: BRAND, default: false, links: 0 })
    expect((await api(a, 'POST', '/domains', { host: BRAND })).statusCode).toBe(409)
    // The same change as `umbra domains add` (domain-changes.ts): audited, with the API's actor.
    const audit = await a.app.pg.query(
      "select actor_kind, action, after from audit_log where entity = 'domain' and entity_id = $1",
      [BRAND],
    )
    expect(audit.rows).toEqual([
      {
        actor_kind: 'admin',
        action: 'create',
        after: { rootRedirect: 'https://brand.example/', notFoundUrl: 'https://brand.example/missing' },
      },
    ])
    const listed = (await api(a, 'GET', '/domains')).json().items.map((d: { host: string }) => d.host)
    expect(listed[0]).toBe('umbra.test')
    expect(listed).toEqual(expect.arrayContaining([BRAND, OTHER]))
    const linkWriter = await createTestKey(a.app, { scopes: ['links:write', 'links:read'] })
    const refused = await a.app.inject({
      method: 'POST',
      url: '/api/v1/domains',
      headers: linkWriter.headers,
      payload: { host: `x-${BRAND}` },
    })
    expect(refused.statusCode).toBe(403)
  })

  it('answers bad input with problem+json and changes nothing', async () => {
    const before = await snapshotTables(a.app.pg)
    const cases: [string, string, object | undefined, number][] = [
      ['POST', '/domains', { host: 'https://evil.example/path' }, 400],
      ['POST', '/domains', { host: 'no-dot' }, 400],
      ['POST', '/domains', { host: '-bad-.example' }, 400],
      ['POST', '/domains', { host: '10.0.0.1' }, 400],
      ['POST', '/domains', { host: `${'a'.repeat(64)}.example` }, 400],
      ['POST', '/domains', { host: 'umbra.test' }, 409],
      ['POST', '/domains', { host: 'ok.example', rootRedirect: 'javascript:alert(1)' }, 400],
      ['PATCH', `/domains/${BRAND}`, { notFoundUrl: 'ftp://brand.example/' }, 400],
      ['PATCH', `/domains/${BRAND}`, { host: 'other.example' }, 400],
      ['PATCH', '/domains/umbra.test', { rootRedirect: 'https://x.example/' }, 409],
      ['PATCH', `/domains/never-${run}.test`, { rootRedirect: 'https://x.example/' }, 404],
      ['DELETE', '/domains/umbra.test', undefined, 409],
      ['POST', '/links', { url: 'https://example.com/', domain: 'not-served.example' }, 400],
      ['POST', '/links', { url: 'https://example.com/', domain: 'bad host' }, 400],
      ['POST', '/links', { url: `https://${BRAND}/loop` }, 400],
      ['GET', '/links?domain=not-served.example', undefined, 400],
      ['GET', `/links/${CODE}?domain=not-served.example`, undefined, 404],
      ['PATCH', `/links/${CODE}?domain=not-served.example`, { title: 'x' }, 404],
    ]
    for (const [method, url, payload, status] of cases) {
      const res = await api(a, method as 'POST', url, payload)
      expect([method, url, res.statusCode]).toEqual([method, url, status])
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    }
    expect(await snapshotTables(a.app.pg)).toEqual(before)
  })

  it('keeps one code on two domains apart: create, read, list, short URLs', async () => {
    const own = await api(a, 'POST', '/links', { url: 'https://example.com/own', code: CODE })
    const branded = await api(a, 'POST', '/links', { url: 'https://example.com/brand', code: CODE, domain: BRAND })
    expect(own.statusCode).toBe(201)
    expect(branded.statusCode).toBe(201)
    expect(own.json()).toMatchObject({ domain: 'umbra.test', shortUrl: `https://umbra.test/${CODE}` })
    expect(branded.json()).toMatchObject({ domain: BRAND, shortUrl: `https://${BRAND}/${CODE}` })
    expect(
      (await api(a, 'POST', '/links', { url: 'https://example.com/x', code: CODE, domain: BRAND })).statusCode,
    ).toBe(409)
    expect((await api(a, 'GET', `/links/${CODE}`)).json().url).toBe('https://example.com/own')
    expect((await api(a, 'GET', `/links/${CODE}?domain=${BRAND}`)).json().url).toBe('https://example.com/brand')
    const onBrand = (await api(a, 'GET', `/links?domain=${BRAND}`)).json().items
    expect(onBrand.map((l: { url: string }) => l.url)).toEqual(['https://example.com/brand'])
  })

  it('routes on Host through the route and the fast path; unknown hosts get the default domain', async () => {
    for (let i = 0; i < 2; i++) {
      // First round: the route answers and caches; second: the fast path answers from the cache.
      expect((await visit(`/${CODE}`, BRAND)).location).toBe('https://example.com/brand')
      expect((await visit(`/${CODE}`, `${BRAND.toUpperCase()}:443`)).location).toBe('https://example.com/brand')
      expect((await visit(`/${CODE}`, 'umbra.test')).location).toBe('https://example.com/own')
      expect((await visit(`/${CODE}`, 'somewhere-else.test')).location).toBe('https://example.com/own')
    }
    expect((await routeVisit(b, `/${CODE}`, BRAND)).headers.location).toBe('https://example.com/brand')
    // Four clicks through instance a, one through b: each counted on the branded link, none on the other.
    const statsOn = async (domain?: string) =>
      (await api(a, 'GET', `/links/${CODE}/stats${domain ? `?domain=${domain}` : ''}`)).json()
    await eventually(async () => (await statsOn(BRAND)).clicks === 5 && (await statsOn()).clicks === 4, 5_000)
    // Reports keep to one domain when asked: the branded link's topic counts only its clicks there.
    await api(a, 'PATCH', `/links/${CODE}?domain=${BRAND}`, { topics: [`t-${run}`] })
    await api(a, 'PATCH', `/links/${CODE}`, { topics: [`t-${run}`] })
    const topicClicks = async (query: string) =>
      (await api(a, 'GET', `/reports/topics${query}`))
        .json()
        .topics.find((t: { topic: string }) => t.topic === `t-${run}`)?.clicks
    expect(await topicClicks('')).toBe(9)
    expect(await topicClicks(`?domain=${BRAND}`)).toBe(5)
    expect(await topicClicks('?domain=umbra.test')).toBe(4)
  })

  it('answers a domain’s root and unknown codes with its own URLs, the default domain with its own', async () => {
    expect((await routeVisit(a, '/', BRAND)).headers.location).toBe('https://brand.example/')
    expect((await routeVisit(a, '/', 'umbra.test')).headers.location).toBe('/dashboard')
    const missing = await routeVisit(a, `/nothing-${run}`, BRAND)
    expect(missing.statusCode).toBe(302)
    expect(missing.headers.location).toBe('https://brand.example/missing')
    expect((await routeVisit(a, `/nothing-${run}`, OTHER)).statusCode).toBe(404)
    // The DOMAINS one gets its own root redirect; every instance applies it.
    const patched = await api(a, 'PATCH', `/domains/${OTHER}`, { rootRedirect: 'https://other.example/' })
    expect(patched.json()).toMatchObject({ host: OTHER, rootRedirect: 'https://other.example/', notFoundUrl: null })
    expect((await routeVisit(a, '/', OTHER)).headers.location).toBe('https://other.example/')
    await eventually(async () => (await routeVisit(b, '/', OTHER)).headers.location === 'https://other.example/', 3_000)
  })

  it('drops a changed link from every instance’s cache on its domain only', async () => {
    expect((await routeVisit(b, `/${CODE}`, BRAND)).headers.location).toBe('https://example.com/brand')
    expect((await routeVisit(b, `/${CODE}`, 'umbra.test')).headers.location).toBe('https://example.com/own')
    const patched = await api(a, 'PATCH', `/links/${CODE}?domain=${BRAND}`, { url: 'https://example.com/brand-2' })
    expect(patched.statusCode).toBe(200)
    await eventually(
      async () => (await routeVisit(b, `/${CODE}`, BRAND)).headers.location === 'https://example.com/brand-2',
      3_000,
    )
    expect((await routeVisit(b, `/${CODE}`, 'umbra.test')).headers.location).toBe('https://example.com/own')
    expect((await visit(`/${CODE}`, BRAND)).location).toBe('https://example.com/brand-2')
    // The other instance learns of a new domain too, and a code minted there is found at once.
    const late = `late-${run}.test`
    expect((await api(a, 'POST', '/domains', { host: late })).statusCode).toBe(201)
    expect(
      (await api(a, 'POST', '/links', { url: 'https://example.com/late', code: CODE, domain: late })).statusCode,
    ).toBe(201)
    await eventually(
      async () => (await routeVisit(b, `/${CODE}`, late)).headers.location === 'https://example.com/late',
      3_000,
    )
  })

  it('imports the links an export has on a served domain onto that domain (?domain=)', async () => {
    const imported = `imp-${run}`
    const res = await a.app.inject({
      method: 'POST',
      url: `/api/v1/imports?format=csv&domain=${BRAND}`,
      headers: { ...auth, 'content-type': 'text/csv' },
      payload: `code,url\n${imported},https://example.com/imported\n`,
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ created: 1, conflicts: [] })
    expect((await api(a, 'GET', `/links/${imported}?domain=${BRAND}`)).json().shortUrl).toBe(
      `https://${BRAND}/${imported}`,
    )
    expect((await api(a, 'GET', `/links/${imported}`)).statusCode).toBe(404)
    expect((await routeVisit(b, `/${imported}`, BRAND)).headers.location).toBe('https://example.com/imported')
  })

  it('refuses to delete a domain with links (409) or the default; deletes an empty one', async () => {
    expect((await api(a, 'DELETE', `/domains/${BRAND}`)).statusCode).toBe(409)
    expect((await api(a, 'DELETE', '/domains/umbra.test')).statusCode).toBe(409)
    expect((await api(a, 'DELETE', `/domains/never-${run}.test`)).statusCode).toBe(404)
    const empty = `empty-${run}.test`
    expect((await api(a, 'POST', '/domains', { host: empty })).statusCode).toBe(201)
    expect((await api(a, 'DELETE', `/domains/${empty}`)).statusCode).toBe(204)
    expect((await api(a, 'POST', '/links', { url: 'https://example.com/e', domain: empty })).statusCode).toBe(400)
  })
  it('counts referrers from any of our domains as internal, the API-added ones too', async () => {
    const link = (await api(a, 'POST', '/links', { url: 'https://example.com/ref', domain: OTHER })).json()
    for (const from of [
      `https://${BRAND}/page`,
      `https://${OTHER}/x`,
      'https://umbra.test/',
      'https://elsewhere.example/',
    ])
      await a.app.inject({ url: `/${link.code}`, headers: { host: OTHER, 'user-agent': CHROME, referer: from } })
    await eventually(async () => {
      const stats = (await api(a, 'GET', `/links/${link.code}/stats?domain=${OTHER}`)).json()
      return stats.byMedium.internal === 3 && stats.byMedium.referral === 1
    }, 5_000)
    // A referrer seen before its host became one of ours was a referral; the same request after is internal.
    const later = `later-${run}.test`
    const again = () =>
      a.app.inject({
        url: `/${link.code}`,
        headers: { host: OTHER, 'user-agent': CHROME, referer: `https://${later}/` },
      })
    await again()
    expect((await api(a, 'POST', '/domains', { host: later })).statusCode).toBe(201)
    await again()
    await eventually(async () => {
      const stats = (await api(a, 'GET', `/links/${link.code}/stats?domain=${OTHER}`)).json()
      return stats.byMedium.internal === 4 && stats.byMedium.referral === 2
    }, 5_000)
  })
})
