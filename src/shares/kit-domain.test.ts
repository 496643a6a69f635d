import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestKey } from '../../test/support/api-keys.ts'
import { createFunnelLookups } from '../funnel/funnel-lookups.ts'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'

// Share kits on a chosen short domain, on real Postgres: the kit's links are minted there, the kit stays
// there, and a domain the server does not serve is refused before anything is written.
const run = Date.now().toString(36)
const BRAND = `go.kits-${run}.test`
const OTHER = `kits-${run}.link`
const site = 'https://blog.example.com'

type Kit = {
  content: { id: string; domain: string }
  links: { channel: string; code: string; shortUrl: string; shareUrl: string }[]
}

let t: TestApp
let pk: string
beforeAll(async () => {
  t = await startTestApp({
    PUBLIC_URL: 'https://umbra.test',
    DOMAINS: `${BRAND},${OTHER}`,
    RATE_LIMIT_WIDGET: '100000',
  })
  pk = (await createTestKey(t.app, { kind: 'publishable', origins: [site] })).secret
})
afterAll(() => t.close())

const postKit = (body: object, path = '/api/v1/shares', headers: Record<string, string> = auth) =>
  t.app.inject({ method: 'POST', url: path, headers, payload: body })
const kitRows = async (url: string) =>
  (
    await t.app.pg.query(
      `select c.domain as content, l.domain, l.code from contents c left join links l on l.content_id = c.id
       where c.url = $1 order by l.id`,
      [url],
    )
  ).rows

describe('share kits on a short domain', () => {
  it('mints every link of the kit on the domain asked for: short URLs, intents, QR codes and redirects', async () => {
    const url = `${site}/on-brand-${run}`
    const res = await postKit({ url, title: 'On brand', domain: BRAND.toUpperCase(), channels: ['whatsapp', 'qr'] })
    expect(res.statusCode, res.body).toBe(201)
    const kit = res.json() as Kit
    expect(kit.content.domain).toBe(BRAND)
    const [whatsapp, qr] = kit.links
    expect(whatsapp.shortUrl).toBe(`https://${BRAND}/${whatsapp.code}`)
    expect(whatsapp.shareUrl).toContain(encodeURIComponent(`https://${BRAND}/${whatsapp.code}`))
    expect(qr.shareUrl).toBe(`https://umbra.test/api/v1/links/${qr.code}/qr.svg?domain=${BRAND}`)
    expect(await kitRows(url)).toEqual(kit.links.map((l) => ({ content: BRAND, domain: BRAND, code: l.code })))
    // The code answers on its domain, not on the default one.
    const visit = (host: string) => t.app.inject({ url: `/${whatsapp.code}`, headers: { host } })
    expect((await visit(BRAND)).headers.location).toBe(`${url}#umb=${whatsapp.code}`)
    expect((await visit('umbra.test')).statusCode).toBe(404)
    expect((await t.app.inject({ url: `/api/v1/shares/${kit.content.id}`, headers: auth })).json()).toEqual(kit)
    const audit = await t.app.pg.query(
      "select action, after->>'domain' as domain from audit_log where entity = 'kit' and entity_id = $1",
      [kit.content.id],
    )
    expect(audit.rows).toEqual([{ action: 'create', domain: BRAND }])
  })

  it('keeps a kit on its domain: asked again without one or with the same, the same links; another is a 409', async () => {
    const url = `${site}/kept-${run}`
    const made = (await postKit({ url, domain: BRAND, channels: ['x'] })).json() as Kit
    const again = await postKit({ url, channels: ['x', 'email'] })
    expect(again.statusCode).toBe(201)
    expect((again.json() as Kit).links.map((l) => l.shortUrl)).toEqual([
      made.links[0].shortUrl,
      expect.stringMatching(new RegExp(`^https://${BRAND.replaceAll('.', '\\.')}/`)),
    ])
    const before = await kitRows(url)
    for (const domain of [OTHER, 'umbra.test']) {
      const res = await postKit({ url, domain, channels: ['x', 'linkedin'] })
      expect([domain, res.statusCode]).toEqual([domain, 409])
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(res.json().detail).toBe(
        `the kit of this URL is on ${BRAND}, where its links were shared; ask for that domain or none`,
      )
    }
    // A kit made on the default domain is there for good too.
    const plain = `${site}/plain-${run}`
    expect((await postKit({ url: plain, channels: ['x'] })).json().content.domain).toBe('umbra.test')
    expect((await postKit({ url: plain, domain: 'umbra.test', channels: ['x'] })).statusCode).toBe(200)
    expect((await postKit({ url: plain, domain: BRAND, channels: ['x'] })).statusCode).toBe(409)
    expect(await kitRows(url)).toEqual(before)
  })

  it('refuses a domain the server does not serve (400) and writes nothing', async () => {
    for (const domain of [`not-served-${run}.test`, 'bad host', '']) {
      const url = `${site}/refused-${run}-${domain.length}`
      const res = await postKit({ url, domain })
      expect([domain, res.statusCode]).toEqual([domain, 400])
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(res.json().errors[0].field).toBe('domain')
      expect(await kitRows(url)).toEqual([])
    }
  })

  it('lets the widget (a publishable key) ask for a domain, as data-domain does', async () => {
    const url = `${site}/widget-${run}`
    const headers = { authorization: `Bearer ${pk}`, origin: site }
    const res = await postKit({ url, channels: ['whatsapp', 'copy'], domain: OTHER }, '/api/v1/widget/kit', headers)
    expect(res.statusCode, res.body).toBe(201)
    expect((res.json() as Kit).links.map((l) => new URL(l.shortUrl).host)).toEqual([OTHER, OTHER])
    const refused = await postKit(
      { url: `${site}/widget-x-${run}`, domain: 'nope.example' },
      '/api/v1/widget/kit',
      headers,
    )
    expect(refused.statusCode).toBe(400)
  })

  it('finds the kit link a beacon names when its code also lives on the default domain', async () => {
    const url = `${site}/beacon-${run}`
    const kit = (await postKit({ url, domain: BRAND, channels: ['whatsapp'] })).json() as Kit
    const code = kit.links[0].code
    const own = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: auth,
      payload: { url: 'https://example.com/same-code', code },
    })
    expect(own.statusCode).toBe(201)
    const lookups = createFunnelLookups(t.app.pg)
    expect(await lookups.kitLinkOf(code, kit.content.id)).toBe(
      (await t.app.pg.query('select id from links where domain = $1 and code = $2', [BRAND, code])).rows[0].id,
    )
  })
})
