import type { FastifyInstance, FastifyReply, FastifyRequest, InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { createClickReferences } from '../src/conversions/click-reference.ts'
import { loadServerSecret } from '../src/infra/server-secret.ts'
import { createTestKey } from './support/api-keys.ts'
import { peopleTour, setupTour } from './support/people-tour.ts'
import { ADMIN_KEY, auth, createScratchDatabase, testConfig, type TestApp } from './support/test-app.ts'
import { rmSync } from 'node:fs'

/**
 * The OpenAPI document checked against what the routes really answer: a tour of calls (successes,
 * retries, CSV, files, bad input, missing things) records every route × status × media type, and each
 * one must be documented. A route the tour never reaches fails too, so a new route needs calls here.
 */
type Answer = { route: string; status: number; media: string | null }
type Operation = {
  description?: string
  security?: { bearer?: string[] }[]
  responses: Record<string, { description: string; content?: Record<string, unknown> }>
}

// The dashboard's own JSON routes (the rest of /dashboard/ is pages and files, left out of the document).
const DASHBOARD_API = [
  '/dashboard/session',
  '/dashboard/setup',
  '/dashboard/invitation',
  '/dashboard/password',
  '/dashboard/profile',
  '/dashboard/sign-in-options',
]

let t: TestApp
const answers: Answer[] = []
const recordAnswer = async (request: FastifyRequest, reply: FastifyReply) => {
  const url = request.routeOptions.url
  if (!url?.startsWith('/api/') && !DASHBOARD_API.some((prefix) => url?.startsWith(prefix))) return
  const type = reply.getHeader('content-type')
  answers.push({
    route: `${request.method} ${url}`,
    status: reply.statusCode,
    media: type ? String(type).split(';')[0].trim() : null,
  })
}

let doc: { paths: Record<string, Record<string, Operation>> }

const SITE = 'https://docs-tour.example'
const json = (
  method: InjectOptions['method'],
  url: string,
  payload: object,
  headers: Record<string, string> = {},
): InjectOptions => ({
  method,
  url,
  payload,
  headers: { ...auth, 'content-type': 'application/json', ...headers },
})
const get = (url: string, headers: Record<string, string> = auth): InjectOptions => ({ method: 'GET', url, headers })

beforeAll(async () => {
  const config = testConfig({ WEBHOOK_ALLOW_PRIVATE: 'true' })
  const app = await buildApp(config)
  app.addHook('onResponse', recordAnswer)
  await app.ready()
  t = {
    app,
    config,
    close: async () => {
      await app.close()
      rmSync(config.dataDir, { recursive: true, force: true })
    },
  }
  doc = (await app.inject({ url: '/docs/json' })).json()

  const widget = await createTestKey(app, { kind: 'publishable', name: 'docs-tour', origins: [SITE] })
  const spare = await createTestKey(app, { name: 'docs-tour-spare' })
  const kitBody = { url: `${SITE}/article`, title: 'Docs tour', channels: ['whatsapp', 'email'] }
  const calls: InjectOptions[] = [
    json('POST', '/api/v1/keys', { name: 'docs', scopes: ['links:read'] }),
    json('POST', '/api/v1/keys', { name: '' }),
    get('/api/v1/keys'),
    { method: 'DELETE', url: '/api/v1/keys/999999', headers: auth },
    { method: 'DELETE', url: `/api/v1/keys/${spare.id}`, headers: auth },
    json('POST', '/api/v1/links', { url: 'https://example.com/docs', code: 'docs-tour' }),
    json('POST', '/api/v1/links', { url: 'https://example.com/docs', code: 'docs-tour' }),
    json('POST', '/api/v1/links', { url: 'not a url' }),
    { method: 'POST', url: '/api/v1/links', payload: 'x', headers: { ...auth, 'content-type': 'text/plain' } },
    json('POST', '/api/v1/domains', { host: 'go.docs.example' }),
    json('POST', '/api/v1/domains', { host: 'go.docs.example' }),
    json('POST', '/api/v1/domains', { host: 'no-dot' }),
    json('POST', '/api/v1/domains', { host: 'empty.docs.example' }),
    get('/api/v1/domains'),
    json('PATCH', '/api/v1/domains/go.docs.example', { notFoundUrl: 'https://docs.example/404' }),
    json('PATCH', '/api/v1/domains/go.docs.example', { notFoundUrl: 'ftp://docs.example/' }),
    json('PATCH', '/api/v1/domains/never.docs.example', { rootRedirect: null }),
    json('PATCH', '/api/v1/domains/umbra.test', { rootRedirect: null }),
    json('POST', '/api/v1/links', { url: 'https://example.com/docs', code: 'docs-tour', domain: 'go.docs.example' }),
    { method: 'DELETE', url: '/api/v1/domains/go.docs.example', headers: auth },
    { method: 'DELETE', url: '/api/v1/domains/empty.docs.example', headers: auth },
    { method: 'DELETE', url: '/api/v1/domains/never.docs.example', headers: auth },
    get('/api/v1/links?domain=not-served.example'),
    get('/api/v1/links/docs-tour/stats?domain=not-served.example'),
    get('/api/v1/links'),
    get('/api/v1/links/docs-tour'),
    get('/api/v1/links/no-such-code'),
    json('PATCH', '/api/v1/links/docs-tour', { title: 'Docs' }),
    get('/api/v1/links/docs-tour/stats'),
    {
      method: 'POST',
      url: '/api/v1/imports?format=csv&dryRun=true',
      payload: 'code,url\ndocs-import,https://example.com/import\n',
      headers: { ...auth, 'content-type': 'text/csv' },
    },
    {
      method: 'POST',
      url: '/api/v1/imports?format=nope',
      payload: 'x',
      headers: { ...auth, 'content-type': 'text/csv' },
    },
    {
      method: 'POST',
      url: '/api/v1/imports?format=csv',
      payload: '<x/>',
      headers: { ...auth, 'content-type': 'application/xml' },
    },
    get('/api/v1/links/docs-tour/qr.svg'),
    get('/api/v1/links/docs-tour/qr.png?size=128'),
    get('/api/v1/links/no-such-code/qr.svg'),
    json('POST', '/api/v1/classify', { ua: 'WhatsApp/2.24.6.77 A' }),
    json('POST', '/api/v1/shares', kitBody, { 'idempotency-key': 'docs-tour-1' }),
    json('POST', '/api/v1/shares', kitBody, { 'idempotency-key': 'docs-tour-1' }),
    json('POST', '/api/v1/shares', { ...kitBody, title: 'Another body' }, { 'idempotency-key': 'docs-tour-1' }),
    json('POST', '/api/v1/shares', kitBody),
    get('/api/v1/shares'),
    get('/api/v1/shares/1'),
    get('/api/v1/shares/999999'),
    json('PATCH', '/api/v1/shares/1', { title: 'Docs tour, retitled' }),
    json('POST', '/api/v1/widget/kit', { url: `${SITE}/widget` }, { ...widget.headers, origin: SITE }),
    json('POST', '/api/v1/widget/kit', { url: `${SITE}/widget` }, { ...widget.headers, origin: SITE }),
    json(
      'POST',
      '/api/v1/widget/kit',
      { url: `${SITE}/widget` },
      { ...widget.headers, origin: 'https://elsewhere.example' },
    ),
    ...beaconTour(widget.secret),
    get('/api/v1/reports/funnel?content=1'),
    get('/api/v1/reports/funnel?topic=climate&format=csv'),
    get('/api/v1/reports/funnel?content=999999'),
    get('/api/v1/reports/funnel'),
    get('/api/v1/reports/links?codes=a,b'),
    get('/api/v1/reports/links'),
    get('/api/v1/reports/topics'),
    get('/api/v1/reports/topics?domain=not-served.example'),
    get('/api/v1/reports/channels?domain=go.docs.example'),
    get('/api/v1/reports/countries'),
    get('/api/v1/reports/countries?format=csv'),
    get('/api/v1/reports/countries?domain=not-served.example'),
    get('/api/v1/reports/cities?country=FR'),
    get('/api/v1/reports/cities?format=csv'),
    get('/api/v1/reports/cities?country=France'),
    get('/api/v1/reports/topics?format=csv'),
    get('/api/v1/reports/channels'),
    { method: 'GET', url: '/api/v1/reports/channels', headers: { ...auth, accept: 'text/csv' } },
    get('/api/v1/reports/content/1'),
    get('/api/v1/reports/content/1?format=csv'),
    get('/api/v1/reports/content/999999'),
    get('/api/v1/exports/clicks.csv'),
    get('/api/v1/exports/clicks.csv?link=no-such-code'),
    get('/api/v1/links', {}),
    get('/api/v1/links', { authorization: 'Bearer umb_wrong' }),
    { method: 'DELETE', url: '/api/v1/links/docs-tour', headers: auth },
    get('/dashboard/session', {}),
  ]
  // An inactive webhook (nothing is delivered to it; other test files share this database).
  const hook = await app.inject(
    json('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/docs', events: ['conversion'], active: false }),
  )
  const hookUrl = `/api/v1/webhooks/${hook.json().id}`
  calls.push(
    json('POST', '/api/v1/webhooks', { url: 'ftp://example.com', events: ['click'] }),
    get('/api/v1/webhooks'),
    get('/api/v1/webhooks?cursor=nope'),
    get(hookUrl),
    get('/api/v1/webhooks/999999999'),
    json('PATCH', hookUrl, { description: 'docs tour' }),
    json('PATCH', '/api/v1/webhooks/999999999', { description: 'docs tour' }),
    get(`${hookUrl}/deliveries`),
    get('/api/v1/webhooks/999999999/deliveries'),
    json('POST', `${hookUrl}/replay`, { from: '2026-01-01T00:00:00Z' }),
    json('POST', '/api/v1/webhooks/999999999/replay', { eventId: '1' }),
    { method: 'DELETE', url: hookUrl, headers: auth },
    { method: 'DELETE', url: hookUrl, headers: auth },
    ...(await conversionTour(app)),
  )
  for (const call of calls) await app.inject(call)
  const signIn = await app.inject(
    json('POST', '/dashboard/session', { key: ADMIN_KEY }, { 'sec-fetch-site': 'same-origin' }),
  )
  await peopleTour(app)
  // First-run setup needs a database without accounts and a server without ADMIN_API_KEY.
  const scratch = await createScratchDatabase()
  const fresh = await buildApp(
    testConfig(
      { ADMIN_API_KEY: '', ...(scratch ? { DATABASE_URL: scratch.url } : {}) },
      scratch ? 'postgres' : 'embedded',
    ),
  )
  fresh.addHook('onResponse', recordAnswer)
  try {
    await setupTour(fresh)
  } finally {
    await fresh.close()
    await scratch?.drop()
  }
  const cookie = signIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  await app.inject({ method: 'GET', url: '/dashboard/session', headers: { cookie } })
  await app.inject({
    method: 'DELETE',
    url: '/dashboard/session',
    headers: { cookie, 'sec-fetch-site': 'same-origin' },
  })
})
afterAll(() => t.close())

/** A conversion-tracking link's click and its conversion (201, then 200 for the retry), bad references, the report. */
async function conversionTour(app: FastifyInstance): Promise<InjectOptions[]> {
  await app.inject(
    json('POST', '/api/v1/links', { url: 'https://example.com/shop', code: 'docs-conv', conversionTracking: true }),
  )
  const res = await app.inject({
    url: '/docs-conv',
    headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' },
  })
  const click = new URL(String(res.headers.location)).searchParams.get('umb_click')
  await app.clicks.writer.flush()
  const refs = createClickReferences(loadServerSecret(t.config))
  const sale = { click, event: 'sale', value: 9.5, currency: 'EUR', externalId: `docs-${Date.now()}` }
  return [
    json('POST', '/api/v1/conversions', sale),
    json('POST', '/api/v1/conversions', sale),
    json('POST', '/api/v1/conversions', { click: 'nope', event: 'lead' }),
    json('POST', '/api/v1/conversions', { click: refs.encode(1, Date.now() - 86_400_000), event: 'lead' }),
    json('POST', '/api/v1/conversions', { click: refs.encode(1, Date.now()), event: 'lead' }),
    get('/api/v1/reports/conversions'),
    get('/api/v1/reports/conversions?format=csv'),
    get('/api/v1/reports/conversions?from=nope'),
  ]
}

/** The page tag's beacons: a bot's page view (answered, not counted), a URL without a kit, a wrong key, bad JSON. */
function beaconTour(pk: string): InjectOptions[] {
  const beacon = (body: string, o: { key?: string; ua?: string } = {}): InjectOptions => ({
    method: 'POST',
    url: `/api/v1/beacons?key=${o.key ?? pk}`,
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      origin: SITE,
      'user-agent': o.ua ?? 'Mozilla/5.0 (compatible; Googlebot/2.1)',
    },
    payload: body,
  })
  const arrival = (url: string) => JSON.stringify({ type: 'arrival', url, page: url, referrer: '', generation: 0 })
  return [
    beacon(arrival(`${SITE}/article`)),
    beacon(arrival(`${SITE}/no-kit`)),
    beacon(arrival(`${SITE}/article`), { key: `pk_${'A'.repeat(43)}` }),
    beacon('{'),
  ]
}

const operationOf = (route: string) => {
  const [method, url] = route.split(' ')
  return doc.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()]
}

describe('the API documentation (/docs/json) against what routes answer', () => {
  it('documents every status and media type the tour met', () => {
    const undocumented = new Set<string>()
    for (const a of answers) {
      const response = operationOf(a.route)?.responses[String(a.status)]
      const bodyless = a.status === 204 || a.media === null
      if (!response || (!bodyless && !(a.media! in (response.content ?? {}))))
        undocumented.add(`${a.route} → ${a.status} ${a.media ?? ''}`)
    }
    expect([...undocumented]).toEqual([])
  })

  it('reaches every documented operation with a success', () => {
    const succeeded = new Set(answers.filter((a) => a.status < 300).map((a) => a.route.replace(/:(\w+)/g, '{$1}')))
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    )
    expect(documented.filter((op) => !succeeded.has(op))).toEqual([])
  })

  it('states the scope of every operation, and never says "Default Response"', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([m, op]) => ({ name: `${m} ${path}`, op })),
    )
    const unstated = operations.filter(
      ({ op }) => !/Scope: `[a-z:]+`\.|Public: no key needed\./.test(op.description ?? ''),
    )
    expect(unstated.map((o) => o.name)).toEqual([])
    for (const { name, op } of operations) {
      const scope = /Scope: `([a-z:]+)`/.exec(op.description ?? '')?.[1]
      if (scope) expect(op.security, name).toEqual([{ bearer: [scope] }])
      for (const [status, response] of Object.entries(op.responses))
        expect(response.description, `${name} ${status}`).not.toBe('Default Response')
    }
  })

  it('says what 200 and 201 each mean where a route answers both', () => {
    for (const path of ['/api/v1/shares', '/api/v1/widget/kit']) {
      const { responses } = doc.paths[path].post
      expect(responses['200'].description).not.toBe(responses['201'].description)
    }
  })
})
