import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { arrivalBeacon, shareBeacon } from '../../test/support/beacon-bodies.ts'
import { createTestKey } from '../../test/support/api-keys.ts'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'

const SITE = 'https://fast.example'
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'
const LIMIT = 4
// The rows' own columns: everything but the minted id and the time.
const ROW = 'content_id, type, channel, medium, app, visibility, source, generation, link_id, token, parent_token'

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string }
type Sent = {
  body: unknown
  raw?: string
  origin?: string
  headers?: Record<string, string>
  /** The client, as the one trusted proxy in front says (each case its own, for the per-IP limit). */
  client: string
}

function post(base: string, path: string, s: Sent): Promise<Answer> {
  const payload = s.raw ?? JSON.stringify(s.body)
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'text/plain;charset=UTF-8',
          'content-length': String(Buffer.byteLength(payload)),
          'user-agent': CHROME,
          origin: s.origin ?? SITE,
          'x-forwarded-for': s.client,
          ...s.headers,
        },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/** An answer without what differs between any two answers (the date, and the seconds left in a rate window). */
function comparable(a: Answer) {
  const { date, 'ratelimit-reset': reset, 'retry-after': retry, ...headers } = a.headers
  for (const seconds of [reset, retry]) if (seconds !== undefined) expect(Number(seconds)).toBeGreaterThan(0)
  return { status: a.status, headers, body: a.body, reset: reset !== undefined, retry: retry !== undefined }
}

describe('beacons ahead of Fastify and through the route', () => {
  let fast: TestApp
  let route: TestApp
  const base = { fast: '', route: '' }
  let pk: string
  let article: string
  let contentId: string
  let kitCode: string

  beforeAll(async () => {
    const env = { RATE_LIMIT_WIDGET: String(LIMIT), RATE_LIMIT_WINDOW_MS: '600000', TRUST_PROXY: '1' }
    // Two instances on one database: the fast path on (the default) and off.
    ;[fast, route] = await Promise.all([startTestApp(env), startTestApp({ ...env, BEACON_FAST_PATH: 'false' })])
    base.fast = await fast.app.listen({ host: '127.0.0.1', port: 0 })
    base.route = await route.app.listen({ host: '127.0.0.1', port: 0 })
    pk = (await createTestKey(fast.app, { kind: 'publishable', origins: [SITE] })).secret
    article = `${SITE}/fast-${Date.now()}`
    const kit = (
      await fast.app.inject({
        method: 'POST',
        url: '/api/v1/shares',
        headers: auth,
        payload: { url: article, channels: ['whatsapp', 'copy'] },
      })
    ).json()
    contentId = kit.content.id
    kitCode = kit.links.find((l: { channel: string }) => l.channel === 'copy').code
  })
  afterAll(async () => {
    await fast?.close()
    await route?.close()
  })

  const share = (over: Record<string, unknown> = {}) => shareBeacon(article, over)
  const arrival = (over: Record<string, unknown> = {}) => arrivalBeacon(article, over)
  const rowsOf = async (t: TestApp) => {
    await t.app.funnel.flush()
    const { rows } = await t.app.pg.query(
      `select id::text, ${ROW} from funnel_events where content_id = $1 order by ${ROW}`,
      [contentId],
    )
    return rows as Record<string, unknown>[]
  }
  const fastAnswers = async () => {
    const text = await (await fetch(`${base.fast}/metrics`)).text()
    return Number(/umbra_beacons_total\{path="fast"\} (\d+)/.exec(text)?.[1] ?? 0)
  }
  /** Sends to one instance; returns its answer and the rows it added (without id). */
  async function sendTo(which: 'fast' | 'route', s: Sent, times = 1) {
    const t = which === 'fast' ? fast : route
    const before = new Set((await rowsOf(t)).map((r) => r.id))
    const answers: Answer[] = []
    for (let i = 0; i < times; i++) answers.push(await post(base[which], `/api/v1/beacons?key=${pk}`, s))
    const added = (await rowsOf(t)).filter((r) => !before.has(r.id)).map(({ id, ...row }) => row)
    return { answers, added }
  }

  let client = 0
  const from = () => `198.51.100.${++client}`
  const cases: { name: string; sent: () => Omit<Sent, 'client'>; status: number; rows: number; times?: number }[] = [
    { name: 'a share', sent: () => ({ body: share() }), status: 204, rows: 1 },
    { name: 'a copy_text share', sent: () => ({ body: share({ channel: 'copy_text' }) }), status: 204, rows: 1 },
    { name: 'a dark arrival', sent: () => ({ body: arrival({ token: 'Tok3n001' }) }), status: 204, rows: 1 },
    {
      name: 'a public arrival',
      sent: () => ({ body: arrival({ referrer: 'https://www.facebook.com/' }) }),
      status: 204,
      rows: 1,
    },
    {
      name: 'an address-bar arrival',
      sent: () => ({ body: arrival({ parent: 'Par3nt01', token: 'Ch1ld001', generation: 2 }) }),
      status: 204,
      rows: 1,
    },
    { name: 'an arrival via a kit link', sent: () => ({ body: arrival({ via: kitCode }) }), status: 204, rows: 1 },
    {
      name: 'an arrival in an app',
      sent: () => ({ body: arrival(), headers: { 'x-requested-with': 'org.telegram.messenger' } }),
      status: 204,
      rows: 1,
    },
    {
      name: 'a bot page view',
      sent: () => ({ body: arrival(), headers: { 'user-agent': BOT } }),
      status: 204,
      rows: 0,
    },
    {
      name: 'a share with DNT: 1 and Sec-GPC: 1 (the tag sends none; the server keeps what it gets)',
      sent: () => ({ body: share(), headers: { dnt: '1', 'sec-gpc': '1' } }),
      status: 204,
      rows: 1,
    },
    { name: 'a body that is not JSON', sent: () => ({ body: null, raw: '{"type":' }), status: 400, rows: 0 },
    { name: 'an unknown channel', sent: () => ({ body: share({ channel: 'myspace' }) }), status: 400, rows: 0 },
    { name: 'an unknown field', sent: () => ({ body: share({ visitor: 'x' }) }), status: 400, rows: 0 },
    { name: 'a bad generation', sent: () => ({ body: arrival({ generation: 3 }) }), status: 400, rows: 0 },
    {
      name: 'a page of another site',
      sent: () => ({ body: share(), origin: 'https://copycat.example' }),
      status: 403,
      rows: 0,
    },
    {
      name: 'a page URL off the key’s origins',
      sent: () => ({ body: share({ page: 'https://copycat.example/a' }) }),
      status: 403,
      rows: 0,
    },
    {
      name: 'a URL without a kit',
      sent: () => ({ body: share({ url: `${SITE}/never-shared` }) }),
      status: 404,
      rows: 0,
    },
    { name: 'a body over 4 KB', sent: () => ({ body: null, raw: 'x'.repeat(5000) }), status: 413, rows: 0 },
    // LIMIT beacons kept, then one over the per-IP limit.
    { name: 'a client over its limit', sent: () => ({ body: share() }), status: 429, rows: LIMIT, times: LIMIT + 1 },
  ]

  it.each(cases)('$name: the same answer, headers and rows from both', async ({ sent, status, rows, times = 1 }) => {
    // Each instance once, so that both hold the key, content and kit link in their caches.
    await sendTo('fast', { body: share(), client: from() })
    await sendTo('route', { body: share(), client: from() })
    if (JSON.stringify(sent().body ?? '').includes(kitCode)) {
      await sendTo('fast', { ...sent(), client: from() })
      await sendTo('route', { ...sent(), client: from() })
    }
    const fastBefore = await fastAnswers()
    const viaRoute = await sendTo('route', { ...sent(), client: from() }, times)
    const viaFast = await sendTo('fast', { ...sent(), client: from() }, times)
    const last = (r: { answers: Answer[] }) => r.answers[r.answers.length - 1]
    expect(last(viaRoute).status).toBe(status)
    expect(viaFast.answers.map(comparable)).toEqual(viaRoute.answers.map(comparable))
    expect(viaRoute.added).toHaveLength(rows)
    expect(viaFast.added).toEqual(viaRoute.added)
    // The fast path answered every 204 of the fast instance, and nothing else.
    const kept = viaFast.answers.filter((a) => a.status === 204).length
    expect((await fastAnswers()) - fastBefore).toBe(kept)
  })

  it('answers nothing ahead of Fastify with BEACON_FAST_PATH=false', async () => {
    const text = await (await fetch(`${base.route}/metrics`)).text()
    expect(text).toMatch(/umbra_beacons_total\{path="fast"\} 0\b/)
    expect(text).toMatch(/umbra_beacons_total\{path="route"\} [1-9]/)
  })
})
