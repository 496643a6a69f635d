import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../app.ts'
import { createTestKey } from '../../test/support/api-keys.ts'
import { auth, startTestApp, testConfig, type TestApp } from '../../test/support/test-app.ts'

/**
 * A publishable key is readable in page source, and outside a browser Origin is just a header: whatever
 * text such a caller gives a kit must not reach the readers of the real page through its share intents.
 */
type Link = { channel: string; code: string; shortUrl: string; shareUrl: string; desktopShareUrl: string | null }
type Kit = {
  content: { id: string; url: string; title: string | null; topics: string[]; confirmed: boolean }
  links: Link[]
}

const SITE = 'https://news.example.com'
const PHISH = 'Your account is locked, verify at https://evil.example/login'
const CHANNELS = ['whatsapp', 'telegram', 'email', 'sms', 'x', 'messenger', 'copy']

let t: TestApp
let pk: string
beforeAll(async () => {
  t = await startTestApp({
    RATE_LIMIT_WIDGET: '100000',
    RATE_LIMIT_API_WRITES: '100000',
    FACEBOOK_APP_ID: '1234567890',
  })
  pk = (await createTestKey(t.app, { kind: 'publishable', origins: [SITE] })).secret
})
afterAll(() => t.close())

const pageUrl = () => `${SITE}/2026/${Math.random().toString(36).slice(2, 10)}`
const widgetKit = (key: string, body: object) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/widget/kit',
    headers: { authorization: `Bearer ${key}`, origin: SITE },
    payload: body,
  })
const secretKit = (body: object) =>
  t.app.inject({ method: 'POST', url: '/api/v1/shares', headers: auth, payload: body })
/** Everything a reader's share would carry: every intent of the kit, decoded. */
const intents = (kit: Kit) =>
  kit.links
    .flatMap((l) => [l.shareUrl, l.desktopShareUrl ?? ''])
    .map((u) => decodeURIComponent(u))
    .join('\n')
const linkTitles = async (contentId: string) =>
  (await t.app.pg.query('select distinct title from links where content_id = $1', [contentId])).rows.map(
    (r) => r.title as string | null,
  )

describe('a kit made with a publishable key', () => {
  it('keeps the caller’s title out of every share intent: just the short link, until a secret key confirms', async () => {
    const url = pageUrl()
    const res = await widgetKit(pk, { url, title: PHISH, topics: ['security'], channels: CHANNELS })
    expect(res.statusCode).toBe(201)
    const kit = res.json() as Kit
    expect(intents(kit)).not.toContain('evil.example')
    expect(intents(kit)).not.toContain('account is locked')
    const whatsapp = kit.links.find((l) => l.channel === 'whatsapp')!
    expect(whatsapp.shareUrl).toBe(`https://wa.me/?text=${encodeURIComponent(whatsapp.shortUrl)}`)
    expect(kit.content).toMatchObject({ title: PHISH, topics: ['security'], confirmed: false })

    // Read back by the owner, and served again to the real widget: still no caller text.
    const read = (await t.app.inject({ url: `/api/v1/shares/${kit.content.id}`, headers: auth })).json() as Kit
    expect(read.content.confirmed).toBe(false)
    expect(intents(read)).not.toContain('evil.example')
    const again = await widgetKit(pk, { url, title: 'Heat pumps & you', channels: CHANNELS })
    expect(again.statusCode).toBe(200)
    expect(intents(again.json())).not.toContain('evil.example')
  })

  it('takes the text of the first secret key asking for the same URL, links included, and is confirmed', async () => {
    const url = pageUrl()
    const poisoned = (
      await widgetKit(pk, { url, title: PHISH, topics: ['security'], channels: CHANNELS })
    ).json() as Kit
    const res = await secretKit({
      url,
      title: 'Heat pumps & you',
      topics: ['climate'],
      campaign: 'winter',
      channels: CHANNELS,
    })
    expect(res.statusCode).toBe(200)
    const kit = res.json() as Kit
    expect(kit.links.map((l) => l.code)).toEqual(poisoned.links.map((l) => l.code)) // links already shared keep working
    expect(kit.content).toMatchObject({
      title: 'Heat pumps & you',
      topics: ['climate'],
      campaign: 'winter',
      confirmed: true,
    })
    const whatsapp = kit.links.find((l) => l.channel === 'whatsapp')!
    expect(whatsapp.shareUrl).toBe(`https://wa.me/?text=${encodeURIComponent(`Heat pumps & you ${whatsapp.shortUrl}`)}`)
    expect(await linkTitles(kit.content.id)).toEqual(['Heat pumps & you'])
    // The real widget now gets the owner's text; the page key cannot change it back.
    const widget = (await widgetKit(pk, { url, title: PHISH, channels: CHANNELS })).json() as Kit
    expect(widget.content).toMatchObject({ title: 'Heat pumps & you', confirmed: true })
    expect(intents(widget)).toContain('Heat pumps & you')
    expect(intents(widget)).not.toContain('evil.example')
  })

  it('loses the caller’s text when a secret key confirms it without a title', async () => {
    const url = pageUrl()
    await widgetKit(pk, { url, title: PHISH, topics: ['security'], channels: ['whatsapp'] })
    const kit = (await secretKit({ url, channels: ['whatsapp'] })).json() as Kit
    expect(kit.content).toMatchObject({ title: null, topics: [], confirmed: true })
    expect(await linkTitles(kit.content.id)).toEqual([null])
  })

  it('is confirmed by a PATCH, as it reads after the change', async () => {
    const url = pageUrl()
    const made = (await widgetKit(pk, { url, title: PHISH, channels: ['whatsapp'] })).json() as Kit
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/shares/${made.content.id}`,
      headers: auth,
      payload: { title: 'Heat pumps, explained' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().content).toMatchObject({ title: 'Heat pumps, explained', confirmed: true })
    expect(intents(res.json())).toContain('Heat pumps, explained')
  })

  it('does not change a kit a secret key made', async () => {
    const url = pageUrl()
    await secretKit({ url, title: 'Heat pumps & you', channels: ['whatsapp'] })
    const kit = (await widgetKit(pk, { url, title: PHISH, channels: ['whatsapp', 'copy'] })).json() as Kit
    expect(kit.content).toMatchObject({ title: 'Heat pumps & you', confirmed: true })
    expect(await linkTitles(kit.content.id)).toEqual(['Heat pumps & you'])
  })
})

describe('WIDGET_MINTS_PER_DAY', () => {
  it('caps the kits a publishable key creates or completes per UTC day, across instances, with a 429 problem', async () => {
    const capped = await startTestApp({ RATE_LIMIT_WIDGET: '100000', WIDGET_MINTS_PER_DAY: '2' })
    // A second instance on the same database: the count lives in Postgres.
    const otherConfig = testConfig({ WIDGET_MINTS_PER_DAY: '2' })
    const other = await buildApp(otherConfig)
    await other.ready()
    try {
      const key = await createTestKey(capped.app, { kind: 'publishable', origins: [SITE] })
      const call = (app: typeof other, url: string, channels = ['copy']) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/widget/kit',
          headers: { ...key.headers, origin: SITE },
          payload: { url, channels },
        })
      const first = pageUrl()
      expect((await call(capped.app, first)).statusCode).toBe(201)
      expect((await call(other, first, ['copy', 'email'])).statusCode).toBe(201) // completing a kit counts too

      const refusedUrl = pageUrl()
      for (const app of [capped.app, other]) {
        const refused = await call(app, refusedUrl)
        expect(refused.statusCode).toBe(429)
        expect(refused.headers['content-type']).toContain('application/problem+json')
        expect(refused.json().detail).toMatch(/WIDGET_MINTS_PER_DAY/)
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
        expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(86_400)
      }
      const minted = await capped.app.pg.query('select count(*)::int as n from contents where url = $1', [refusedUrl])
      expect(minted.rows[0].n).toBe(0)
      // Kits already made still load; other keys and secret keys are not limited by this key's count.
      expect((await call(capped.app, first, ['copy', 'email'])).statusCode).toBe(200)
      const otherKey = await createTestKey(capped.app, { kind: 'publishable', origins: [SITE] })
      const byOtherKey = await capped.app.inject({
        method: 'POST',
        url: '/api/v1/widget/kit',
        headers: { ...otherKey.headers, origin: SITE },
        payload: { url: pageUrl(), channels: ['copy'] },
      })
      expect(byOtherKey.statusCode).toBe(201)
      expect(
        (
          await capped.app.inject({
            method: 'POST',
            url: '/api/v1/shares',
            headers: auth,
            payload: { url: refusedUrl, channels: ['copy'] },
          })
        ).statusCode,
      ).toBe(201)
    } finally {
      await other.close()
      rmSync(otherConfig.dataDir, { recursive: true, force: true })
      await capped.close()
    }
  })

  it('counts the native share sheet’s link a page tag asks for like any other mint', async () => {
    const capped = await startTestApp({ RATE_LIMIT_WIDGET: '100000', WIDGET_MINTS_PER_DAY: '1' })
    try {
      const key = await createTestKey(capped.app, { kind: 'publishable', origins: [SITE] })
      const call = (url: string, channels: string[]) =>
        capped.app.inject({
          method: 'POST',
          url: '/api/v1/widget/kit',
          headers: { ...key.headers, origin: SITE },
          payload: { url, channels },
        })
      const url = pageUrl()
      expect((await call(url, ['copy'])).statusCode).toBe(201)
      // The same page opened on a phone: the tag adds the native channel, a new link, past the day's cap.
      const onPhone = await call(url, ['copy', 'native'])
      expect(onPhone.statusCode).toBe(429)
      expect(onPhone.json().detail).toMatch(/WIDGET_MINTS_PER_DAY/)
      const native = await capped.app.pg.query(
        `select count(*)::int as n from links l join contents c on c.id = l.content_id
         where c.url = $1 and l.channel = 'native'`,
        [url],
      )
      expect(native.rows[0].n).toBe(0)
      // A secret key may add it: the cap is the publishable key's.
      const bySecret = await capped.app.inject({
        method: 'POST',
        url: '/api/v1/shares',
        headers: auth,
        payload: { url, channels: ['native'] },
      })
      expect(bySecret.statusCode).toBe(201)
      expect((await call(url, ['copy', 'native'])).statusCode).toBe(200)
    } finally {
      await capped.close()
    }
  })
})
