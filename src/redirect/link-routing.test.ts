import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, eventually, startTestApp, type TestApp } from '../../test/support/test-app.ts'
import { UA } from '../../test/support/user-agents.ts'

// Links that route, on Postgres and over real HTTP: rules, app targets, in-app escape, password, click limit
// and fallback, answered alike by the route (first request: not cached) and the fast path (cached).

let t: TestApp
let base: string

const get = (path: string, headers: Record<string, string> = {}, init: RequestInit = {}) =>
  fetch(`${base}${path}`, { redirect: 'manual', ...init, headers: { 'user-agent': UA.desktop, ...headers } })
const api = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: auth, payload })
const create = async (body: object) => {
  const res = await api('POST', '/links', body)
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}
const statsOf = async (code: string) => (await api('GET', `/links/${code}/stats`)).json()
const linkCount = async () => Number((await t.app.pg.query('select count(*) from links')).rows[0].count)

beforeAll(async () => {
  t = await startTestApp({ COUNTRY_HEADER: 'cf-ipcountry', RATE_LIMIT_PASSWORDS: '3' })
  base = await t.app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(() => t.close())

describe('rules', () => {
  const rules = [
    { if: { device: 'ios' }, url: 'https://apps.apple.com/app/id1' },
    { if: { country: ['fr', 'BE'], language: ['fr'] }, url: 'https://example.com/fr' },
    { if: { app: ['instagram'] }, url: 'https://example.com/insta' },
  ]

  it('are stored in order, read back, and answer first match first, else url, on the route and the fast path', async () => {
    const link = await create({ url: 'https://example.com/en', rules })
    expect(link.rules).toEqual([
      { if: { device: 'ios' }, url: 'https://apps.apple.com/app/id1' },
      { if: { country: ['fr', 'BE'], language: ['fr'] }, url: 'https://example.com/fr' },
      { if: { app: ['instagram'] }, url: 'https://example.com/insta' },
    ])
    expect((await api('GET', `/links/${link.code}`)).json().rules).toEqual(link.rules)
    const french = { 'accept-language': 'fr-BE,fr;q=0.9', 'cf-ipcountry': 'BE' }
    const cases: [Record<string, string>, string][] = [
      [{ 'user-agent': UA.iphone, ...french }, 'https://apps.apple.com/app/id1'], // first rule wins
      [french, 'https://example.com/fr'],
      [{ ...french, 'cf-ipcountry': 'CH' }, 'https://example.com/en'], // both conditions must hold
      [{ 'user-agent': UA.instagramAndroid }, 'https://example.com/insta'],
      [{}, 'https://example.com/en'],
    ]
    for (const [headers, location] of cases)
      for (let i = 0; i < 2; i++) {
        const res = await get(`/${link.code}`, headers)
        expect([res.status, res.headers.get('location')]).toEqual([302, location])
      }
    await eventually(async () => {
      const s = await statsOf(link.code)
      return s.clicks === 10 && JSON.stringify(s.byRule) === JSON.stringify({ '0': 4, '1': 2, '2': 2, '3': 2 })
    }, 5_000)
  })

  it('change with PATCH (the cache follows) and clear with null', async () => {
    const link = await create({ url: 'https://example.com/a', rules })
    expect((await get(`/${link.code}`, { 'user-agent': UA.iphone })).headers.get('location')).toBe(rules[0].url)
    const patched = await api('PATCH', `/links/${link.code}`, {
      rules: [{ if: { device: 'desktop' }, url: 'https://example.com/d' }],
    })
    expect(patched.statusCode).toBe(200)
    expect((await get(`/${link.code}`)).headers.get('location')).toBe('https://example.com/d')
    expect((await api('PATCH', `/links/${link.code}`, { rules: null })).json().rules).toEqual([])
    expect((await get(`/${link.code}`)).headers.get('location')).toBe('https://example.com/a')
  })

  it.each([
    ['an unknown condition', { rules: [{ if: { weather: 'rain' }, url: 'https://example.com/' }] }, 'rules'],
    ['an unknown device', { rules: [{ if: { device: 'fridge' }, url: 'https://example.com/' }] }, 'rules'],
    [
      'a country that is not a code',
      { rules: [{ if: { country: ['France'] }, url: 'https://example.com/' }] },
      'rules',
    ],
    ['a javascript: target', { rules: [{ if: {}, url: 'javascript:alert(1)' }] }, 'rules[0].url'],
    ['a target on this shortener', () => ({ rules: [{ if: {}, url: `${t.config.publicUrl}/x` }] }), 'rules[0].url'],
    [
      'an app URL that runs script',
      { deepLinks: { ios: { url: 'javascript:alert(1)', fallbackUrl: 'https://example.com/' } } },
      'deepLinks.ios.url',
    ],
    ['an unsafe fallback', { fallbackUrl: 'ftp://example.com/' }, 'fallbackUrl'],
    ['a click limit of 0', { maxClicks: 0 }, 'maxClicks'],
  ])('refuse %s: 400 problem+json naming the field, nothing created or changed', async (_, given, field) => {
    const body = typeof given === 'function' ? given() : given
    const link = await create({ url: 'https://example.com/keep' })
    const before = await linkCount()
    const created = await api('POST', '/links', { url: 'https://example.com/', ...body })
    expect(created.statusCode).toBe(400)
    expect(created.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(JSON.stringify(created.json())).toContain(field.split('[')[0])
    expect(await linkCount()).toBe(before)
    const patched = await api('PATCH', `/links/${link.code}`, body)
    expect(patched.statusCode).toBe(400)
    expect(patched.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect((await api('GET', `/links/${link.code}`)).json()).toEqual(link)
  })
})

describe('app targets and the in-app escape', () => {
  it('sends an in-app browser a page that opens the system browser, counted once as in_app with its app', async () => {
    const link = await create({ url: 'https://example.com/story?id=7', inAppEscape: true })
    for (let i = 0; i < 2; i++) {
      const android = await get(`/${link.code}`, { 'user-agent': UA.instagramAndroid })
      expect(android.status).toBe(200)
      expect(android.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/)
      expect(android.headers.get('content-security-policy')).not.toMatch(
        /unsafe-inline'[^;]*script|script-src[^;]*unsafe/,
      )
      const html = await android.text()
      expect(html).toContain('intent://example.com/story?id=7#Intent;scheme=https;')
      expect(html).toContain('href="https://example.com/story?id=7"')
    }
    const ios = await get(`/${link.code}`, { 'user-agent': UA.instagramIos })
    expect(ios.status).toBe(200)
    expect(await ios.text()).toContain('x-safari-https://example.com/story?id=7')
    // Not from an app: the ordinary redirect.
    expect((await get(`/${link.code}`, { 'user-agent': UA.iphone })).status).toBe(302)
    await eventually(async () => {
      const s = await statsOf(link.code)
      return s.clicks === 4 && s.byMedium.in_app === 3 && s.byApp.instagram === 3
    }, 5_000)
  })

  it('opens the app: https app links by 302, custom schemes by a page with the store as fallback', async () => {
    const link = await create({
      url: 'https://example.com/item/42',
      deepLinks: {
        ios: { url: 'myapp://item/42', fallbackUrl: 'https://apps.apple.com/app/id1' },
        android: {
          url: 'myapp://item/42',
          package: 'com.example.app',
          fallbackUrl: 'https://play.google.com/store/apps/details?id=com.example.app',
        },
      },
    })
    const ios = await get(`/${link.code}`, { 'user-agent': UA.iphone })
    expect(ios.status).toBe(200)
    const iosHtml = await ios.text()
    expect(iosHtml).toContain('data-auto href="myapp://item/42"')
    expect(iosHtml).toContain('data-fallback href="https://apps.apple.com/app/id1"')
    const android = await (await get(`/${link.code}`, { 'user-agent': UA.android })).text()
    expect(android).toContain(
      'intent://item/42#Intent;scheme=myapp;package=com.example.app;S.browser_fallback_url=https%3A%2F%2Fplay.google.com%2Fstore%2Fapps%2Fdetails%3Fid%3Dcom.example.app;end',
    )
    expect((await get(`/${link.code}`)).headers.get('location')).toBe('https://example.com/item/42')
    const web = await create({
      url: 'https://example.com/',
      deepLinks: { ios: { url: 'https://app.example.com/i/1', fallbackUrl: 'https://apps.apple.com/app/id1' } },
    })
    expect((await get(`/${web.code}`, { 'user-agent': UA.iphone })).headers.get('location')).toBe(
      'https://app.example.com/i/1',
    )
  })
})

describe('passwords', () => {
  it('answer a form, count the click once when the right password is posted, and never show the hash', async () => {
    const link = await create({ url: 'https://example.com/secret', password: 'open sesame' })
    expect(link.passwordProtected).toBe(true)
    expect(JSON.stringify(link)).not.toMatch(/scrypt|sesame/)
    const list = await api('GET', '/links')
    expect(list.body).not.toMatch(/scrypt|sesame/)
    for (let i = 0; i < 2; i++) {
      const form = await get(`/${link.code}`)
      expect(form.status).toBe(200)
      expect(await form.text()).toContain('name="password"')
    }
    const post = (password: string) =>
      get(
        `/${link.code}`,
        { 'content-type': 'application/x-www-form-urlencoded' },
        {
          method: 'POST',
          body: new URLSearchParams({ password }).toString(),
        },
      )
    const wrong = await post('guess')
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).toContain('not right')
    const right = await post('open sesame')
    expect([right.status, right.headers.get('location')]).toEqual([303, 'https://example.com/secret'])
    await eventually(async () => (await statsOf(link.code)).clicks === 1, 5_000)
    expect((await statsOf(link.code)).clicks).toBe(1)
  })

  it('never send the hash to other instances: the link-change notification carries the code alone', async () => {
    const listener = new pg.Client({ connectionString: t.config.databaseUrl })
    await listener.connect()
    const payloads: string[] = []
    listener.on('notification', (n) => payloads.push(n.payload ?? ''))
    await listener.query('listen umbra_link_changed')
    try {
      const link = await create({ url: 'https://example.com/hushed', password: 'hush' })
      await api('PATCH', `/links/${link.code}`, { password: 'hush again' })
      await eventually(async () => payloads.filter((p) => p === link.code).length >= 2, 5_000)
      expect(payloads.every((p) => !p.includes('scrypt') && !p.includes('hush'))).toBe(true)
    } finally {
      await listener.end()
    }
  })

  it('refuse a client past its wrong passwords (429), the right one too, until the window ends', async () => {
    const link = await create({ url: 'https://example.com/secret2', password: 'pw' })
    const post = (password: string) =>
      get(
        `/${link.code}`,
        { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '' },
        {
          method: 'POST',
          body: `password=${password}`,
        },
      )
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await post('bad')).status)
    // RATE_LIMIT_PASSWORDS=3 per client, and the test before spent one: the third wrong password is refused.
    expect(statuses).toEqual([401, 401, 429, 429])
    expect((await post('pw')).status).toBe(429)
  })
})

describe('click limits, expiry and fallbacks', () => {
  it('sends human clicks past maxClicks to the fallback, and an expired link there instead of 410', async () => {
    const link = await create({
      url: 'https://example.com/offer',
      maxClicks: 2,
      fallbackUrl: 'https://example.com/over',
    })
    const locations = []
    for (let i = 0; i < 4; i++) locations.push((await get(`/${link.code}`)).headers.get('location'))
    expect(locations).toEqual([
      'https://example.com/offer',
      'https://example.com/offer',
      'https://example.com/over',
      'https://example.com/over',
    ])
    const limited = await create({ url: 'https://example.com/once', maxClicks: 1 })
    expect((await get(`/${limited.code}`)).status).toBe(302)
    expect((await get(`/${limited.code}`)).status).toBe(410)

    const expiring = await create({ url: 'https://example.com/soon', fallbackUrl: 'https://example.com/later' })
    await t.app.pg.query(`update links set expires_at = now() - interval '1 minute' where code = $1`, [expiring.code])
    await eventually(
      async () => (await get(`/${expiring.code}`)).headers.get('location') === 'https://example.com/later',
    )
  })
})
