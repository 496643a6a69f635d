import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestKey } from '../../test/support/api-keys.ts'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'
import { SCOPES, type Scope } from './auth.ts'

/**
 * Every API route × every kind of caller → allowed, 401 or 403. The routes are read from the app, so a
 * new route without a row here fails this test.
 */
/** `scope: null`: a public route under /api (a CORS preflight), which every caller reaches. */
type Row = {
  scope: Scope | null
  request: Omit<InjectOptions, 'method' | 'headers'> & { headers?: Record<string, string> }
}

const SITE = 'https://site.example'
const CODE = 'matrix-link'
const json = (payload: object) => ({ payload, headers: { 'content-type': 'application/json', origin: SITE } })

const ROUTES: Record<string, Row> = {
  'POST /api/v1/keys': {
    scope: 'keys:admin',
    // keys:admin itself: a key grants only scopes it holds (keys-api.test.ts tests that rule).
    request: { url: '/api/v1/keys', ...json({ name: 'matrix', scopes: ['keys:admin'] }) },
  },
  'GET /api/v1/keys': { scope: 'keys:admin', request: { url: '/api/v1/keys' } },
  'DELETE /api/v1/keys/:id': { scope: 'keys:admin', request: { url: '/api/v1/keys/999999999' } },
  'GET /api/v1/members': { scope: 'members:admin', request: { url: '/api/v1/members' } },
  'POST /api/v1/members/invitations': {
    scope: 'members:admin',
    request: { url: '/api/v1/members/invitations', ...json({ email: 'matrix@people.example', role: 'viewer' }) },
  },
  'DELETE /api/v1/members/invitations/:id': {
    scope: 'members:admin',
    request: { url: '/api/v1/members/invitations/999999999' },
  },
  'PATCH /api/v1/members/:id': {
    scope: 'members:admin',
    request: { url: '/api/v1/members/999999999', ...json({ role: 'viewer' }) },
  },
  'DELETE /api/v1/members/:id': { scope: 'members:admin', request: { url: '/api/v1/members/999999999' } },
  'POST /api/v1/members/:id/password-link': {
    scope: 'members:admin',
    request: { url: '/api/v1/members/999999999/password-link' },
  },
  'GET /api/v1/audit': { scope: 'audit:read', request: { url: '/api/v1/audit?entity=link' } },
  'GET /api/v1/history/:entity/:id': { scope: 'links:read', request: { url: `/api/v1/history/link/${CODE}` } },
  'POST /api/v1/links': {
    scope: 'links:write',
    request: { url: '/api/v1/links', ...json({ url: 'https://example.com/matrix' }) },
  },
  'GET /api/v1/links': { scope: 'links:read', request: { url: '/api/v1/links' } },
  'GET /api/v1/links/:code': { scope: 'links:read', request: { url: `/api/v1/links/${CODE}` } },
  'PATCH /api/v1/links/:code': {
    scope: 'links:write',
    request: { url: `/api/v1/links/${CODE}`, ...json({ title: 'matrix' }) },
  },
  'DELETE /api/v1/links/:code': { scope: 'links:write', request: { url: `/api/v1/links/${CODE}` } },
  'POST /api/v1/imports': {
    scope: 'links:write',
    request: {
      url: '/api/v1/imports?format=csv&dryRun=true',
      payload: 'code,url\nmatrix-import,https://example.com/mi\n',
      headers: { 'content-type': 'text/csv' },
    },
  },
  'GET /api/v1/links/:code/stats': { scope: 'stats:read', request: { url: `/api/v1/links/${CODE}/stats` } },
  'POST /api/v1/classify': {
    scope: 'stats:read',
    request: { url: '/api/v1/classify', ...json({ ua: 'WhatsApp/2.24.6.77 A' }) },
  },
  'GET /api/v1/links/:code/qr.svg': { scope: 'links:read', request: { url: `/api/v1/links/${CODE}/qr.svg` } },
  'GET /api/v1/links/:code/qr.png': { scope: 'links:read', request: { url: `/api/v1/links/${CODE}/qr.png` } },
  'POST /api/v1/shares': {
    scope: 'shares:write',
    request: { url: '/api/v1/shares', ...json({ url: `${SITE}/article` }) },
  },
  'GET /api/v1/shares': { scope: 'links:read', request: { url: '/api/v1/shares' } },
  'GET /api/v1/shares/:id': { scope: 'links:read', request: { url: '/api/v1/shares/1' } },
  'PATCH /api/v1/shares/:id': {
    scope: 'links:write',
    request: { url: '/api/v1/shares/1', ...json({ title: 'matrix' }) },
  },
  'POST /api/v1/widget/kit': {
    scope: 'shares:write',
    request: { url: '/api/v1/widget/kit', ...json({ url: `${SITE}/widget-article` }) },
  },
  'OPTIONS /api/v1/widget/kit': {
    scope: null,
    request: {
      url: '/api/v1/widget/kit',
      headers: {
        origin: SITE,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    },
  },
  'GET /api/v1/reports/topics': { scope: 'stats:read', request: { url: '/api/v1/reports/topics' } },
  'GET /api/v1/reports/channels': { scope: 'stats:read', request: { url: '/api/v1/reports/channels' } },
  'GET /api/v1/reports/content/:id': { scope: 'stats:read', request: { url: '/api/v1/reports/content/1' } },
  // A beacon for a URL without a kit: 404 for every caller that passes auth (nothing is kept).
  'POST /api/v1/beacons': {
    scope: 'shares:write',
    request: {
      url: '/api/v1/beacons',
      ...json({ type: 'share', url: `${SITE}/no-kit`, page: `${SITE}/no-kit`, channel: 'whatsapp' }),
    },
  },
  'GET /api/v1/reports/funnel': { scope: 'stats:read', request: { url: '/api/v1/reports/funnel?topic=matrix' } },
  'GET /api/v1/reports/links': { scope: 'stats:read', request: { url: '/api/v1/reports/links?codes=matrix' } },
  'GET /api/v1/exports/clicks.csv': { scope: 'stats:read', request: { url: '/api/v1/exports/clicks.csv' } },
  // https to a name that does not resolve: 400 for every caller that passes auth (nothing is kept).
  'POST /api/v1/webhooks': {
    scope: 'webhooks:write',
    request: { url: '/api/v1/webhooks', ...json({ url: 'https://matrix.invalid/hook', events: ['click'] }) },
  },
  // A reference this server never issued: 400 for every caller that passes auth (nothing is kept).
  'POST /api/v1/conversions': {
    scope: 'conversions:write',
    request: { url: '/api/v1/conversions', ...json({ click: 'A'.repeat(22), event: 'lead' }) },
  },
  'GET /api/v1/reports/conversions': { scope: 'stats:read', request: { url: '/api/v1/reports/conversions' } },
  'GET /api/v1/webhooks': { scope: 'webhooks:read', request: { url: '/api/v1/webhooks' } },
  'GET /api/v1/webhooks/:id': { scope: 'webhooks:read', request: { url: '/api/v1/webhooks/999999999' } },
  'PATCH /api/v1/webhooks/:id': {
    scope: 'webhooks:write',
    request: { url: '/api/v1/webhooks/999999999', ...json({ active: false }) },
  },
  'DELETE /api/v1/webhooks/:id': { scope: 'webhooks:write', request: { url: '/api/v1/webhooks/999999999' } },
  'GET /api/v1/webhooks/:id/deliveries': {
    scope: 'webhooks:read',
    request: { url: '/api/v1/webhooks/999999999/deliveries' },
  },
  'POST /api/v1/webhooks/:id/replay': {
    scope: 'webhooks:write',
    request: { url: '/api/v1/webhooks/999999999/replay', ...json({ eventId: '1' }) },
  },
  'GET /api/v1/domains': { scope: 'links:read', request: { url: '/api/v1/domains' } },
  'GET /api/v1/reports/countries': { scope: 'stats:read', request: { url: '/api/v1/reports/countries' } },
  'GET /api/v1/reports/cities': { scope: 'stats:read', request: { url: '/api/v1/reports/cities' } },
  // A bad host: 400 for every caller that passes auth (nothing is added).
  'POST /api/v1/domains': { scope: 'keys:admin', request: { url: '/api/v1/domains', ...json({ host: 'no_dots' }) } },
  'PATCH /api/v1/domains/:host': {
    scope: 'keys:admin',
    request: { url: '/api/v1/domains/matrix.invalid', ...json({ rootRedirect: null }) },
  },
  'DELETE /api/v1/domains/:host': { scope: 'keys:admin', request: { url: '/api/v1/domains/matrix.invalid' } },
}

type Caller = {
  name: string
  headers: () => Record<string, string>
  expect: (scope: Scope, route: string) => 'allowed' | 401 | 403
}
const expectationOf = (caller: Caller, row: Row, route: string) =>
  row.scope === null ? 'allowed' : caller.expect(row.scope, route)
/** The routes a publishable key reaches: the page tag's (the widget's kit, with its policy: origins, no campaign or UTM, a daily cap; beacons). */
const WIDGET_ROUTES = ['POST /api/v1/widget/kit', 'POST /api/v1/beacons']

let t: TestApp
const secrets = new Map<string, string>()
const bearerOf = (name: string) => () => ({ authorization: `Bearer ${secrets.get(name)}` })

const CALLERS: Caller[] = [
  { name: 'ADMIN_API_KEY', headers: () => auth, expect: () => 'allowed' },
  ...SCOPES.map(
    (only): Caller => ({
      name: `secret key with ${only} only`,
      headers: bearerOf(only),
      expect: (scope) => (scope === only ? 'allowed' : 403),
    }),
  ),
  { name: 'secret key with every scope', headers: bearerOf('all'), expect: () => 'allowed' },
  {
    name: 'publishable key',
    headers: bearerOf('publishable'),
    expect: (_scope, route) => (WIDGET_ROUTES.includes(route) ? 'allowed' : 403),
  },
  { name: 'expired key', headers: bearerOf('expired'), expect: () => 401 },
  { name: 'revoked key', headers: bearerOf('revoked'), expect: () => 401 },
  {
    name: 'unknown key of the right shape',
    headers: () => ({ authorization: `Bearer umb_${'A'.repeat(43)}` }),
    expect: () => 401,
  },
  { name: 'missing Authorization', headers: () => ({}), expect: () => 401 },
  { name: 'malformed Authorization', headers: () => ({ authorization: 'Token abc' }), expect: () => 401 },
  { name: 'empty bearer', headers: () => ({ authorization: 'Bearer ' }), expect: () => 401 },
]

beforeAll(async () => {
  t = await startTestApp({
    RATE_LIMIT_API_READS: '100000',
    RATE_LIMIT_API_WRITES: '100000',
    RATE_LIMIT_WIDGET: '100000',
    RATE_LIMIT_MISSES: '100000',
  })
  for (const scope of SCOPES) secrets.set(scope, (await createTestKey(t.app, { scopes: [scope] })).secret)
  secrets.set('all', (await createTestKey(t.app, { scopes: [...SCOPES] })).secret)
  secrets.set('publishable', (await createTestKey(t.app, { kind: 'publishable', origins: [SITE] })).secret)
  secrets.set(
    'expired',
    (await createTestKey(t.app, { scopes: [...SCOPES], expiresAt: new Date(Date.now() - 1000), now: 0 })).secret,
  )
  const revoked = await createTestKey(t.app, { scopes: [...SCOPES] })
  secrets.set('revoked', revoked.secret)
  expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${revoked.id}`, headers: auth })).statusCode).toBe(
    204,
  )
  const link = await t.app.inject({
    method: 'POST',
    url: '/api/v1/links',
    headers: auth,
    payload: { url: 'https://example.com/m', code: CODE },
  })
  expect(link.statusCode).toBe(201)
})
afterAll(() => t.close())

/** HEAD routes come from GET routes and are checked the same way. */
const rowKey = (method: string, url: string) => `${method === 'HEAD' ? 'GET' : method} ${url}`
const apiRoutes = () => t.app.routeScopes.filter((r) => r.url.startsWith('/api/') || r.scope)

describe('scope matrix', () => {
  it('has a row for every API route the app serves, and no row for a route it does not', () => {
    const served = new Set(apiRoutes().map((r) => rowKey(r.method, r.url)))
    const missing = [...served].filter((k) => !(k in ROUTES))
    expect(missing, 'routes without a row in the scope matrix: add them to ROUTES').toEqual([])
    // A row ahead of its route (another feature not merged yet) is harmless; say so rather than fail.
    const stale = Object.keys(ROUTES).filter((k) => !served.has(k))
    if (stale.length) console.warn(`scope matrix rows for routes the app does not serve (yet): ${stale.join(', ')}`)
  })

  it('every API route requires the scope its row names (public only where the row says so)', () => {
    const mismatched = apiRoutes()
      .map((r) => ({
        route: rowKey(r.method, r.url),
        scope: r.scope ?? null,
        expected: ROUTES[rowKey(r.method, r.url)]?.scope,
      }))
      .filter((r) => r.expected !== undefined && r.scope !== r.expected)
    expect(mismatched).toEqual([])
  })

  const cells = () =>
    apiRoutes().flatMap((route) =>
      CALLERS.map((caller) => ({ route, caller, row: ROUTES[rowKey(route.method, route.url)] })),
    )

  it('answers every route × caller as the matrix says', async () => {
    const failures: string[] = []
    let checked = 0
    for (const { route, caller, row } of cells()) {
      if (!row) continue
      const expected = expectationOf(caller, row, rowKey(route.method, route.url))
      const res = await t.app.inject({
        ...row.request,
        method: route.method as InjectOptions['method'],
        headers: { ...row.request.headers, ...caller.headers() },
      })
      checked++
      const label = `${route.method} ${route.url} as ${caller.name}: expected ${expected}, got ${res.statusCode}`
      if (expected === 'allowed') {
        if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode === 429 || res.statusCode >= 500)
          failures.push(`${label} ${res.body.slice(0, 200)}`)
        continue
      }
      if (res.statusCode !== expected) {
        failures.push(label)
        continue
      }
      if (route.method !== 'HEAD') {
        const problem = res.json()
        if (!String(res.headers['content-type']).startsWith('application/problem+json') || problem.status !== expected)
          failures.push(`${label}: not a problem+json body`)
      }
    }
    expect(failures).toEqual([])
    expect(checked).toBeGreaterThanOrEqual(Object.keys(ROUTES).length * CALLERS.length)
  })

  it('tells the caller why: lacking scope, publishable key, expired, revoked', async () => {
    const read = (name: string) =>
      t.app.inject({ url: '/api/v1/links', headers: { authorization: `Bearer ${secrets.get(name)}` } })
    expect((await read('stats:read')).json().detail).toBe('this key lacks the links:read scope')
    expect((await read('publishable')).json().detail).toMatch(/publishable key can only call the share widget route/)
    expect((await read('expired')).json().detail).toBe('the API key has expired')
    expect((await read('revoked')).json().detail).toBe('the API key has been revoked')
    expect((await read('revoked')).headers['www-authenticate']).toBe('Bearer')
  })
})
