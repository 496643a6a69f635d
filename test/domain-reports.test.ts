import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, eventually, startTestApp, type TestApp } from './support/test-app.ts'

// Every report keeps to one short domain when asked (?domain=), on real Postgres: two share kits under one
// topic, one on a branded domain and one on the default, plus a link that reuses the branded kit link's
// code on the default domain. Clicks: 2 on the branded kit link, 1 on the same code's default link,
// 3 on the default kit's link. Every other test's data is kept out by the run's own topic and campaign.
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const run = Date.now().toString(36)
const BRAND = `go.reports-${run}.test`
const TOPIC = `dom-${run}`
const CAMPAIGN = `camp-${run}`

let t: TestApp
let brandCode: string
let ownCode: string
let brandKit: string

const get = (url: string) => t.app.inject({ url: `/api/v1${url}`, headers: auth })
const post = (url: string, payload: object) =>
  t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth, payload })
async function click(code: string, host: string) {
  const res = await t.app.inject({ url: `/${code}`, headers: { host, 'user-agent': CHROME } })
  expect(res.statusCode).toBe(302)
  return new URL(String(res.headers.location)).searchParams.get('umb_click')
}

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_URL: 'https://umbra.test', DOMAINS: BRAND })
  const kit = async (path: string, domain?: string) => {
    const res = await post('/shares', {
      url: `https://news.example/${path}-${run}`,
      topics: [TOPIC],
      campaign: CAMPAIGN,
      channels: ['whatsapp'],
      ...(domain ? { domain } : {}),
    })
    expect(res.statusCode, res.body).toBe(201)
    return res.json()
  }
  const branded = await kit('branded', BRAND)
  const own = await kit('own')
  brandKit = branded.content.id
  brandCode = branded.links[0].code
  ownCode = own.links[0].code
  for (const id of [branded.content.id, own.content.id])
    expect(
      (
        await t.app.inject({
          method: 'PATCH',
          url: `/api/v1/shares/${id}`,
          headers: auth,
          payload: { conversionTracking: true },
        })
      ).statusCode,
    ).toBe(200)
  const twin = await post('/links', {
    url: 'https://example.com/twin',
    code: brandCode,
    topics: [TOPIC],
    campaign: CAMPAIGN,
    conversionTracking: true,
  })
  expect(twin.statusCode).toBe(201)
  const refs = [
    await click(brandCode, BRAND),
    await click(brandCode, BRAND),
    await click(brandCode, 'umbra.test'),
    await click(ownCode, 'umbra.test'),
    await click(ownCode, 'umbra.test'),
    await click(ownCode, 'umbra.test'),
  ]
  await t.app.clicks.writer.flush()
  // One conversion per click: a branded one is 2 of 6.
  for (const ref of refs) expect((await post('/conversions', { click: ref, event: 'sale' })).statusCode).toBe(201)
  await eventually(
    async () =>
      (await get(`/reports/topics?campaign=${CAMPAIGN}`))
        .json()
        .topics.find((r: { topic: string }) => r.topic === TOPIC)?.clicks === 6,
    10_000,
  )
}, 60_000)
afterAll(() => t?.close())

describe('reports on one short domain (?domain=)', () => {
  it('GET /reports/links: a code’s clicks on every domain, or on the one named', async () => {
    const totals = async (q: string) => (await get(`/reports/links?codes=${brandCode},${ownCode}${q}`)).json().links
    expect(await totals('')).toMatchObject([
      { code: brandCode, clicks: 3 },
      { code: ownCode, clicks: 3 },
    ])
    expect(await totals(`&domain=${BRAND}`)).toMatchObject([
      { code: brandCode, clicks: 2 },
      { code: ownCode, clicks: 0 },
    ])
    expect(await totals('&domain=umbra.test')).toMatchObject([
      { code: brandCode, clicks: 1 },
      { code: ownCode, clicks: 3 },
    ])
  })

  it('GET /reports/topics and /reports/channels: clicks and the kits’ funnel totals', async () => {
    const topic = async (q: string) =>
      (await get(`/reports/topics?campaign=${CAMPAIGN}${q}`))
        .json()
        .topics.find((r: { topic: string }) => r.topic === TOPIC)
    expect(await topic('')).toMatchObject({ clicks: 6, funnel: { clicks: 5 } })
    expect(await topic(`&domain=${BRAND}`)).toMatchObject({ clicks: 2, funnel: { clicks: 2 } })
    expect(await topic('&domain=umbra.test')).toMatchObject({ clicks: 4, funnel: { clicks: 3 } })
    const whatsapp = async (q: string) =>
      (await get(`/reports/channels?topic=${TOPIC}${q}`))
        .json()
        .channels.find((c: { channel: string }) => c.channel === 'whatsapp')
    expect(await whatsapp('')).toMatchObject({ clicks: 5, funnel: { clicks: 5 } })
    expect(await whatsapp(`&domain=${BRAND}`)).toMatchObject({ clicks: 2, funnel: { clicks: 2 } })
  })

  it('GET /reports/funnel: the kits made on the domain', async () => {
    const funnel = async (q: string) => (await get(`/reports/funnel?topic=${TOPIC}${q}`)).json()
    expect((await funnel('')).clicks.total).toBe(5)
    expect((await funnel(`&domain=${BRAND}`)).clicks.total).toBe(2)
    expect((await funnel(`&domain=${BRAND}`)).conversions).toMatchObject({ total: 2 })
    expect((await funnel('&domain=umbra.test')).clicks.total).toBe(3)
    expect((await get(`/reports/funnel?content=${brandKit}&domain=umbra.test`)).json().clicks.total).toBe(0)
  })

  it('GET /reports/conversions: conversions of the domain’s links', async () => {
    const report = async (q: string) => (await get(`/reports/conversions?campaign=${CAMPAIGN}${q}`)).json()
    expect((await report('')).total).toBe(6)
    expect((await report(`&domain=${BRAND}`)).total).toBe(2)
    expect((await report('&domain=umbra.test')).total).toBe(4)
  })

  it('GET /reports/countries, link stats and the click export keep to the domain', async () => {
    const countries = async (q: string) =>
      (await get(`/reports/countries?campaign=${CAMPAIGN}${q}`))
        .json()
        .countries.reduce((n: number, c: { clicks: number }) => n + c.clicks, 0)
    expect([await countries(''), await countries(`&domain=${BRAND}`)]).toEqual([6, 2])
    expect((await get(`/links/${brandCode}/stats?domain=${BRAND}`)).json().clicks).toBe(2)
    expect((await get(`/links/${brandCode}/stats`)).json().clicks).toBe(1)
    const rows = async (q: string) =>
      (await get(`/exports/clicks.csv?topic=${TOPIC}${q}`)).body.trim().split('\n').length - 1
    expect([await rows(''), await rows(`&domain=${BRAND}`), await rows('&domain=umbra.test')]).toEqual([6, 2, 4])
  })

  it('answers a domain the server does not serve with a 400 problem on every report', async () => {
    const q = `domain=not-served-${run}.test`
    for (const url of [
      `/reports/links?codes=${brandCode}&${q}`,
      `/reports/topics?${q}`,
      `/reports/channels?${q}`,
      `/reports/countries?${q}`,
      `/reports/funnel?topic=${TOPIC}&${q}`,
      `/reports/conversions?${q}`,
      `/exports/clicks.csv?${q}`,
    ]) {
      const res = await get(url)
      expect([url, res.statusCode]).toEqual([url, 400])
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    }
  })
})
