import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebhookReceiver } from '../../test/support/webhook-receiver.ts'
import { auth, createScratchDatabase, eventually, startTestApp, type TestApp } from '../../test/support/test-app.ts'
import { createClickReferences } from './click-reference.ts'

const SECRET_KEY = 'conversion-test-server-secret-0123456789abcdef'
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const INSTAGRAM =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 329.0.0.40.100 (iPhone14,2; iOS 17_4; en_US; en; scale=3.00; 1170x2532; 602012345)'

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>
let t: TestApp
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>

const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: auth, payload })
const convert = (payload: object) => post('/api/v1/conversions', payload)

/** Follows a short link as a browser would; returns the Location and the click reference in it. */
async function click(code: string, headers: Record<string, string>) {
  const res = await t.app.inject({ url: `/${code}`, headers })
  expect(res.statusCode).toBe(302)
  const location = String(res.headers.location)
  return { location, ref: new URL(location).searchParams.get('umb_click') }
}

beforeAll(async () => {
  // A database of its own on the real Postgres; the embedded one (UMBRA_TEST_DATABASE=embedded) is isolated anyway.
  scratch = await createScratchDatabase()
  const env = { SECRET_KEY, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_POLL_MS: '30' }
  t = scratch ? await startTestApp({ ...env, DATABASE_URL: scratch.url }) : await startTestApp(env, 'embedded')
  receiver = await startWebhookReceiver()
  expect((await post('/api/v1/webhooks', { url: receiver.url, events: ['conversion'] })).statusCode).toBe(201)
  const tracked = {
    url: 'https://shop.example/p?color=red#top',
    code: 'tracked',
    channel: 'whatsapp',
    topics: ['shoes'],
    campaign: 'spring',
    conversionTracking: true,
  }
  expect((await post('/api/v1/links', tracked)).statusCode).toBe(201)
  expect((await post('/api/v1/links', { url: 'https://shop.example/plain', code: 'plain' })).statusCode).toBe(201)
}, 60_000)

afterAll(async () => {
  await t?.close()
  await receiver?.close()
  await scratch?.drop()
})

describe('conversions', () => {
  let darkRef: string
  let publicRef: string

  it("adds the click reference to a tracking link's target, keeping its parameters and fragment", async () => {
    const dark = await click('tracked', { 'user-agent': INSTAGRAM })
    expect(dark.location).toMatch(/^https:\/\/shop\.example\/p\?color=red&umb_click=[A-Za-z0-9_-]{22}#top$/)
    const pub = await click('tracked', { 'user-agent': CHROME, referer: 'https://www.facebook.com/' })
    expect(pub.ref).not.toBe(dark.ref)
    darkRef = dark.ref ?? ''
    publicRef = pub.ref ?? ''
    expect((await click('plain', { 'user-agent': CHROME })).location).toBe('https://shop.example/plain')
    await t.app.clicks.writer.flush()
  })

  it('attributes a conversion to its click: link, channel, medium, app, visibility', async () => {
    const sale = await convert({ click: darkRef, event: 'sale', value: 42.5, currency: 'eur', externalId: 'order-1' })
    expect(sale.statusCode).toBe(201)
    expect(sale.json()).toMatchObject({
      event: 'sale',
      value: 42.5,
      currency: 'EUR',
      code: 'tracked',
      channel: 'whatsapp',
      medium: 'in_app',
      app: 'instagram',
      visibility: 'dark',
    })
    const lead = await convert({ click: publicRef, event: 'lead' })
    expect(lead.statusCode).toBe(201)
    expect(lead.json()).toMatchObject({ code: 'tracked', visibility: 'public', app: 'facebook' })
    expect(lead.json().medium).not.toBe('in_app')
  })

  it('counts a retried externalId once', async () => {
    for (let i = 0; i < 3; i++) {
      const again = await convert({
        click: darkRef,
        event: 'sale',
        value: 42.5,
        currency: 'EUR',
        externalId: 'order-1',
      })
      expect(again.statusCode).toBe(200)
    }
    const { rows } = await t.app.pg.query("select count(*)::int as n from conversions where external_id = 'order-1'")
    expect(rows[0].n).toBe(1)
  })

  it('answers bad references and bad bodies with problem+json, recording nothing', async () => {
    const refs = createClickReferences(Buffer.from(SECRET_KEY))
    const cases: [object, number][] = [
      [{ click: 'nope', event: 'lead' }, 400],
      [{ click: 'A'.repeat(22), event: 'lead' }, 400],
      [{ click: `${darkRef.slice(0, 5)}${darkRef[5] === 'A' ? 'B' : 'A'}${darkRef.slice(6)}`, event: 'lead' }, 400],
      [{ click: refs.encode(12345, Date.now() - 86_400_000), event: 'lead' }, 404],
      [{ click: refs.encode(12345, Date.now()), event: 'lead' }, 409],
      [{ click: darkRef, event: 'sale', value: 10 }, 400],
      [{ click: darkRef, event: 'Not An Event' }, 400],
      [{ click: darkRef, event: 'sale', value: -1, currency: 'EUR' }, 400],
    ]
    const before = (await t.app.pg.query('select count(*)::int as n from conversions')).rows[0].n
    for (const [body, status] of cases) {
      const res = await convert(body)
      expect(res.statusCode, JSON.stringify(body)).toBe(status)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    }
    expect((await t.app.pg.query('select count(*)::int as n from conversions')).rows[0].n).toBe(before)
  })

  it("adds conversions to the link's stats", async () => {
    const stats = (await t.app.inject({ url: '/api/v1/links/tracked/stats', headers: auth })).json()
    const lead = (
      await t.app.pg.query(
        "select v.medium from conversions c join click_verdicts v on v.id = c.verdict_id where c.event = 'lead'",
      )
    ).rows[0]
    expect(stats.conversions).toEqual({
      total: 2,
      byEvent: { sale: 1, lead: 1 },
      value: { EUR: 42.5 },
      byMedium: { in_app: 1, [lead.medium]: 1 },
      byApp: { instagram: 1, facebook: 1 },
    })
  })

  it('reports conversions by channel × medium and topic, the dark share and the conversion rate', async () => {
    const report = (await t.app.inject({ url: '/api/v1/reports/conversions?topic=shoes', headers: auth })).json()
    expect(report).toMatchObject({
      total: 2,
      value: { EUR: 42.5 },
      dark: { conversions: 1, share: 0.5, value: { EUR: 42.5 }, valueShare: { EUR: 1 } },
      byTopic: [{ topic: 'shoes', conversions: 2, value: { EUR: 42.5 } }],
      byChannel: [{ channel: 'whatsapp', clicks: 2, conversions: 2, rate: 1 }],
    })
    expect(report.byChannelMedium).toContainEqual({
      channel: 'whatsapp',
      medium: 'in_app',
      conversions: 1,
      value: { EUR: 42.5 },
    })
    const csv = await t.app.inject({ url: '/api/v1/reports/conversions?format=csv', headers: auth })
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    expect(csv.body).toContain('whatsapp,in_app,1,EUR,42.5\r\n')
    expect(csv.body).toContain('dark share of value,,,EUR,1\r\n')
  })

  it('sends a conversion webhook with its labels', async () => {
    await eventually(async () => receiver.ofType('conversion').length >= 2)
    const sale = receiver.ofType('conversion').find((r) => r.body.data.event === 'sale')
    expect(sale?.body.data).toMatchObject({
      code: 'tracked',
      medium: 'in_app',
      visibility: 'dark',
      currency: 'EUR',
      value: 42.5,
    })
    expect(receiver.ofType('conversion')).toHaveLength(2)
  })

  it("turns tracking on for a whole kit: its links' redirects carry the reference", async () => {
    const kit = await post('/api/v1/shares', { url: 'https://shop.example/kit', channels: ['whatsapp', 'email'] })
    expect(kit.statusCode).toBe(201)
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/shares/${kit.json().content.id}`,
      headers: auth,
      payload: { conversionTracking: true },
    })
    expect(patched.json().content.conversionTracking).toBe(true)
    for (const link of patched.json().links) {
      const { location, ref } = await click(link.code, { 'user-agent': CHROME })
      expect(ref, location).toMatch(/^[A-Za-z0-9_-]{22}$/)
      expect(location).toContain(`#umb=${link.code}`)
      await t.app.clicks.writer.flush()
      expect((await convert({ click: ref, event: 'sale', value: 10, currency: 'USD' })).statusCode).toBe(201)
    }
    // The share funnel of the kit ends with its conversions.
    const id = kit.json().content.id
    const funnel = (await t.app.inject({ url: `/api/v1/reports/funnel?content=${id}`, headers: auth })).json()
    expect(funnel.clicks.total).toBe(2)
    expect(funnel.conversions).toMatchObject({
      total: 2,
      public: 0,
      dark: 2,
      value: { USD: 20 },
      darkValue: { USD: 20 },
      rate: 1,
    })
    const funnelCsv = await t.app.inject({ url: `/api/v1/reports/funnel?content=${id}&format=csv`, headers: auth })
    expect(funnelCsv.body).toContain('conversions.value,USD,20\r\n')
  })
})
