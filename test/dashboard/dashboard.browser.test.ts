import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '../support/chromium.ts'
import { createTestKey } from '../support/api-keys.ts'
import { ADMIN_KEY, auth, createScratchDatabase, eventually, startTestApp, type TestApp } from '../support/test-app.ts'

/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core. Screenshots of every
 * page land in test-output/dashboard/ (git-ignored) for a person to look at.
 */
const SHOTS = 'test-output/dashboard'
const hasChromium = chromiumAvailable('the dashboard')

// Code passed to page.evaluate() runs in the browser; these are the browser globals it uses (the project's lib has no DOM).
declare const document: {
  cookie: string
  activeElement: { textContent: string | null } | null
  documentElement: { scrollWidth: number }
}
declare const navigator: { clipboard: { readText(): Promise<string> } }

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const INSTAGRAM =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 329.0.0.40.100 (iPhone14,2; iOS 17_4; en_US; en; scale=3.00; 1170x2532; 602012345)'
const ANDROID_FIREFOX = 'Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0'
const FACEBOOK_APP =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/460.0.0.48.109;]'
const WHATSAPP_PREVIEW = 'WhatsApp/2.24.6.77 A'
const TELEGRAM_PREVIEW = 'TelegramBot (like TwitterBot)'
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

describe.skipIf(!hasChromium)('dashboard in headless Chromium', () => {
  let t: TestApp
  let base: string
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>
  const kit: Record<string, string> = {} // channel → code

  // As long as the page's own timeout: vitest's default second is too short while the whole suite loads the machine.
  const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 8_000 })

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    // A database of its own: the pages list and rank everything, and other test files write links and kits concurrently.
    scratch = await createScratchDatabase()
    t = await startTestApp(scratch ? { DATABASE_URL: scratch.url } : {}, scratch ? 'postgres' : 'embedded')
    base = await t.app.listen({ host: '127.0.0.1', port: 0 })
    const { chromium } = await import('playwright-core')
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' })
    page = await context.newPage()
    page.setDefaultTimeout(8_000) // fail fast and say where, rather than at the test's timeout
    page.on('pageerror', (err) => {
      throw err
    })
  })
  afterAll(async () => {
    await browser?.close()
    await t?.close()
    await scratch?.drop()
  })

  const shot = (name: string, p: Page = page) => p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })

  /** A visit as an app or a browser would make it: a plain request that does not follow the 302. */
  async function follow(code: string, ua: string, referrer?: string, method = 'GET') {
    const res = await fetch(`${base}/${code}`, {
      method,
      redirect: 'manual',
      headers: { 'user-agent': ua, ...(referrer ? { referer: referrer } : {}) },
    })
    expect(res.status).toBe(302)
  }

  // What makes the page quick, checked without timing it: a cold load fetches from Umbra alone, in a
  // bounded number of requests and of (decoded) bytes.
  it('loads the sign-in page from Umbra alone, in few and small requests', async () => {
    const cold = await browser.newContext()
    const fresh = await cold.newPage()
    const requests: { url: string; bytes: number }[] = []
    fresh.on('requestfinished', async (r) => requests.push({ url: r.url(), bytes: (await r.sizes()).responseBodySize }))
    await fresh.goto(`${base}/dashboard/`, { waitUntil: 'networkidle' })
    await fresh.getByLabel('API key').waitFor()
    expect(new URL(fresh.url()).pathname).toBe('/dashboard/sign-in')
    await cold.close()
    await page.goto(`${base}/dashboard/`)
    await page.getByLabel('API key').waitFor()
    expect(requests.filter((r) => !r.url.startsWith(`${base}/`))).toEqual([])
    expect(requests.length).toBeLessThanOrEqual(50)
    expect(requests.reduce((sum, r) => sum + r.bytes, 0)).toBeLessThan(400_000)
  })

  it('says clearly when the key is wrong', async () => {
    await page.getByLabel('API key').fill('umb_this-is-not-a-real-key')
    await page.getByRole('button', { name: 'Sign in with the key' }).click()
    await poll(() => page.getByRole('alert').textContent()).toContain('That API key is not valid')
    expect(await page.getByLabel('API key').getAttribute('aria-invalid')).toBe('true')
    await shot('1-sign-in-wrong-key')
    expect((await context.cookies()).filter((c) => c.name === 'umbra_session')).toHaveLength(0)
  })

  it('signs in with a key and holds only an httpOnly, SameSite=Strict cookie', async () => {
    await page.getByLabel('API key').fill(ADMIN_KEY)
    await page.getByRole('button', { name: 'Sign in with the key' }).click()
    await page.getByRole('heading', { name: 'Links & kits' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/dashboard/')
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'umbra_session')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' })
    expect(await page.evaluate(() => document.cookie)).not.toContain('umbra_session')
    expect(await page.getByText('Signed in with ADMIN_API_KEY').isVisible()).toBe(true)
  })

  it('creates a share kit with copy buttons, share intents and QR codes', async () => {
    const create = page.getByRole('region', { name: 'Create' })
    await create.getByLabel('Page URL').fill('https://example.com/heatwave-explained')
    await create.getByLabel('Title').fill('Heatwave, explained')
    await create.getByLabel('Topics').fill('climate, health')
    await create.getByLabel('Campaign').fill('summer')
    await create.getByRole('button', { name: 'Create share kit' }).click()
    const table = page.locator('.create-result table.kit')
    await table.waitFor()
    for (const channel of ['whatsapp', 'email', 'x', 'copy', 'qr']) {
      const href = await table.locator(`tr[data-channel="${channel}"] th a`).getAttribute('href')
      kit[channel] = decodeURIComponent(href!.split('/').pop()!)
    }
    const whatsapp = table.locator('tr[data-channel="whatsapp"]')
    const intent = await whatsapp
      .getByRole('button', { name: 'Copy the WhatsApp share intent' })
      .getAttribute('data-copy')
    expect(intent).toMatch(/^https:\/\/wa\.me\/\?text=/)
    expect(intent).toContain(encodeURIComponent(`http://umbra.test/${kit.whatsapp}`))

    // Copy puts the short link on the clipboard.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base })
    await whatsapp.getByRole('button', { name: 'Copy the WhatsApp short link' }).click()
    await poll(() => whatsapp.locator('.copy-status').first().textContent()).toBe('Copied')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`http://umbra.test/${kit.whatsapp}`)

    // QR downloads are plain links the session cookie authorises.
    const qr = await table.locator('tr[data-channel="qr"] a[download$=".svg"]').getAttribute('href')
    const svg = await page.request.get(`${base}${qr}`)
    expect(svg.status()).toBe(200)
    expect(svg.headers()['content-type']).toContain('image/svg+xml')

    await page.locator('table.links tbody tr').first().waitFor()
    expect(await page.locator(`table.links tr[data-code="${kit.whatsapp}"]`).count()).toBe(1)
    await shot('2-links-and-kit')
    expect(await page.locator('table.kits tr[data-content]', { hasText: 'Heatwave, explained' }).count()).toBe(1)

    const phone = await context.newPage()
    await phone.setViewportSize({ width: 390, height: 844 })
    await phone.goto(`${base}/dashboard/`)
    await phone.locator('table.links tbody tr').first().waitFor()
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await shot('2b-links-phone', phone)
    await phone.close()
  })

  it('filters the list by channel and topic, and searches', async () => {
    await page.getByRole('search').getByLabel('Channel').selectOption('email')
    await page.getByRole('search').getByRole('button', { name: 'Filter' }).click()
    await poll(() => page.locator('table.links tbody tr').count()).toBe(1)
    expect(await page.locator('table.links tbody tr').getAttribute('data-code')).toBe(kit.email)
    expect(new URL(page.url()).searchParams.get('channel')).toBe('email')
    await page.getByRole('search').getByRole('button', { name: 'Clear' }).click()
    await poll(() => page.locator('table.links tbody tr').count()).toBeGreaterThan(5)

    // A single link with a custom code, then found by searching for it.
    const create = page.getByRole('region', { name: 'Create' })
    await create.getByLabel('A single link').check()
    await create.getByLabel('Page URL').fill('https://example.com/newsletter-issue-12')
    await create.getByLabel('Channel', { exact: true }).selectOption('newsletter')
    await create.getByLabel('Custom code').fill('issue-12')
    await create.getByRole('button', { name: 'Create link' }).click()
    await create.getByRole('heading', { name: 'Link ready' }).waitFor()
    await page.getByRole('search').getByLabel('Search').fill('issue-12')
    await page.getByRole('search').getByRole('button', { name: 'Filter' }).click()
    await poll(() => page.locator('table.links tbody tr').count()).toBe(1)
    expect(await page.locator('table.links tbody tr').getAttribute('data-code')).toBe('issue-12')

    // The same code again: the server's problem is shown beside the form, on the field it names.
    await create.getByRole('button', { name: 'Create link' }).click()
    await poll(() => create.getByRole('alert').textContent()).toContain('already taken')
    expect(await create.getByLabel('Custom code').getAttribute('aria-invalid')).toBe('true')
    await page.getByRole('search').getByRole('button', { name: 'Clear' }).click()
  })

  it('shows the clicks of three links, dark vs public, on the link page', async () => {
    // The WhatsApp link travels: 5 clicks by 4 people (4 dark, 1 public), 2 preview cards, a bot and a HEAD.
    await follow(kit.whatsapp, CHROME) // no referrer → direct, dark
    await follow(kit.whatsapp, INSTAGRAM) // Instagram in-app browser → dark
    await follow(kit.whatsapp, FACEBOOK_APP) // Facebook in-app browser → dark
    await follow(kit.whatsapp, CHROME, 'https://web.telegram.org/') // web messenger → dark (the same visitor as the first)
    await follow(kit.whatsapp, ANDROID_FIREFOX, 'https://www.google.com/') // search → public
    await follow(kit.whatsapp, WHATSAPP_PREVIEW) // a preview card: a share seen, not a click
    await follow(kit.whatsapp, TELEGRAM_PREVIEW)
    await follow(kit.whatsapp, GOOGLEBOT) // a bot: not a click
    await follow(kit.whatsapp, CHROME, undefined, 'HEAD') // not counted
    await follow(kit.email, ANDROID_FIREFOX, 'https://mail.google.com/') // webmail → dark
    await follow(kit.x, CHROME, 'https://t.co/abc123') // X → public
    await eventually(async () => {
      const res = await fetch(`${base}/api/v1/links/${kit.whatsapp}/stats`, { headers: auth })
      const s = (await res.json()) as { clicks: number; previews: number; lossLedger: { head: number } }
      return s.clicks === 5 && s.previews === 2 && s.lossLedger.head === 1
    })
    await eventually(async () => {
      const res = await fetch(`${base}/api/v1/links/${kit.x}/stats`, { headers: auth })
      return ((await res.json()) as { clicks: number }).clicks === 1
    })

    await page.locator(`table.links tr[data-code="${kit.whatsapp}"] a.code`).click()
    await page.getByRole('heading', { name: 'Heatwave, explained' }).waitFor()
    const tile = (label: string) =>
      page.locator('.tile', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('.tile-value')
    await poll(() => tile('Clicks').textContent()).toBe('5')
    expect(await tile('Dark').textContent()).toBe('4')
    expect(await tile('Public').textContent()).toBe('1')
    expect(await tile('Dark share').textContent()).toBe('80%')
    expect(await tile('Uniques').textContent()).toBe('4')
    expect(await tile('Shares seen').textContent()).toBe('2')
    const arrived = page.locator('section.breakdown', { has: page.getByRole('heading', { name: 'How they arrived' }) })
    expect(
      await arrived
        .getByRole('row', { name: /Direct/ })
        .locator('.bar-value')
        .textContent(),
    ).toBe('1')
    expect(
      await arrived
        .getByRole('row', { name: /In-app browser/ })
        .locator('.bar-value')
        .textContent(),
    ).toBe('2')
    expect(
      await arrived
        .getByRole('row', { name: /Messaging/ })
        .locator('.bar-value')
        .textContent(),
    ).toBe('1')
    expect(
      await arrived
        .getByRole('row', { name: /Search/ })
        .locator('.bar-value')
        .textContent(),
    ).toBe('1')
    const apps = page.locator('section.breakdown', { has: page.getByRole('heading', { name: /^By app/ }) })
    for (const app of ['Instagram', 'Facebook', 'Telegram'])
      expect(await apps.getByRole('row', { name: app }).locator('.bar-value').textContent()).toBe('1')
    const previews = page.locator('section.breakdown', { has: page.getByRole('heading', { name: /^Shares seen/ }) })
    for (const app of ['WhatsApp', 'Telegram'])
      expect(await previews.getByRole('row', { name: app }).locator('.bar-value').textContent()).toBe('1')
    const ledger = page.locator('.ledger')
    expect(await ledger.locator('tr[data-ledger="Link previews"] td.num').textContent()).toBe('2')
    expect(await ledger.locator('tr[data-ledger="Bots"] td.num').textContent()).toBe('1')
    expect(await ledger.locator('tr[data-ledger="HEAD requests"] td.num').textContent()).toBe('1')
    expect(await ledger.textContent()).toContain('received 9 requests')
    expect(await page.locator('.chart canvas').count()).toBeGreaterThan(0)
    expect(await page.locator('table.matrix tbody th').textContent()).toBe('WhatsApp')

    // The CSV export is a plain link the session cookie authorises.
    const csvHref = await page.getByRole('link', { name: 'Export clicks (CSV)' }).getAttribute('href')
    const csv = await page.request.get(`${base}${csvHref}`)
    expect(csv.status()).toBe(200)
    expect(csv.headers()['content-type']).toContain('text/csv')
    expect((await csv.text()).trim().split('\n').length).toBeGreaterThanOrEqual(3) // header + the 2 clicks at least
    await shot('3-link-page')
    // DOCS_SCREENSHOT=1 refreshes the README's picture of this page (the top of it, at a laptop's width).
    if (process.env.DOCS_SCREENSHOT === '1') {
      await page.setViewportSize({ width: 1100, height: 900 })
      await page.screenshot({
        path: 'docs/link-page.png',
        clip: { x: 0, y: 0, width: 1100, height: 1285 },
        fullPage: true,
      })
      await page.setViewportSize({ width: 1280, height: 900 })
    }

    // The same page on a phone.
    const phone = await context.newPage()
    await phone.setViewportSize({ width: 390, height: 844 })
    await phone.goto(page.url())
    await phone.locator('.ledger').waitFor()
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await shot('4-link-page-phone', phone)
    await phone.close()
  })

  it('ranks topics by dark share and opens a topic’s contents', async () => {
    await page.getByRole('link', { name: 'Topics', exact: true }).click()
    await page.getByRole('heading', { name: 'Topics', level: 1 }).waitFor()
    const climate = page.locator('tr[data-topic="climate"]')
    await climate.waitFor()
    // 7 clicks: the WhatsApp link's 5 (4 dark), Gmail (dark) and t.co (public) → 5 of 7 dark.
    expect(await climate.locator('td.strong').textContent()).toBe('71%')
    expect(await climate.locator('td[data-label="Clicks"]').textContent()).toBe('7')
    await shot('5-topics')

    await climate.getByRole('link', { name: 'climate' }).click()
    await page.getByRole('heading', { name: 'Topic: climate' }).waitFor()
    const content = page.locator('tr[data-content]', { hasText: 'Heatwave, explained' })
    await content.waitFor()
    expect(await content.locator('td.strong').textContent()).toBe('71%')
    await shot('6-topic')

    await content.getByRole('link', { name: 'Heatwave, explained' }).click()
    await page.getByRole('heading', { name: 'Heatwave, explained', level: 1 }).waitFor()
    await page.locator('tr[data-channel="x"]').first().waitFor()
    await shot('7-content')
  })

  it('shows declared channels against observed mediums', async () => {
    await page.getByRole('link', { name: 'Channels', exact: true }).click()
    await page.locator('table.matrix').waitFor()
    await shot('8-channels')
  })

  it('shows the share funnel on the content and topic pages, and the topic’s table adds up', async () => {
    // The page tag's beacons for the Heatwave article, as a publisher's page sends them.
    const SITE = 'https://example.com'
    const article = `${SITE}/heatwave-explained`
    const pk = (await createTestKey(t.app, { kind: 'publishable', origins: [SITE] })).secret
    const beacon = async (body: Record<string, unknown>, ua = CHROME) => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/beacons?key=${pk}`,
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SITE, 'user-agent': ua },
        payload: JSON.stringify({ url: article, page: article, ...body }),
      })
      expect(res.statusCode).toBe(204)
    }
    for (const channel of ['whatsapp', 'whatsapp', 'whatsapp', 'copy', 'copy_text'])
      await beacon({ type: 'share', channel })
    const arrival = { type: 'arrival', referrer: '', generation: 0 }
    await beacon({ ...arrival, via: kit.whatsapp }) // through the short link: counted once, as its click
    await beacon({ ...arrival, parent: 'AAAAAAAA', token: 'BBBBBBBB', generation: 1 })
    await beacon({ ...arrival, parent: 'CCCCCCCC', token: 'DDDDDDDD', generation: 1 })
    await beacon({ ...arrival, parent: 'BBBBBBBB', token: 'EEEEEEEE', generation: 2 }, INSTAGRAM)
    await beacon(arrival) // dark, seen by nothing: unattributed
    await beacon({ ...arrival, referrer: 'https://www.google.com/' }, ANDROID_FIREFOX) // public
    // A phone's page tag adds the native share sheet's link; WhatsApp fetches its preview: Share… resolved to WhatsApp.
    const phoneKit = await t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/kit',
      headers: { authorization: `Bearer ${pk}`, origin: SITE },
      payload: { url: article, channels: ['native'] },
    })
    const nativeCode = phoneKit.json().links.find((l: { channel: string }) => l.channel === 'native').code
    await follow(nativeCode, WHATSAPP_PREVIEW)
    // A stand-alone link of the topic (no kit): its click belongs to the topic's tiles and to its table.
    const single = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: auth,
      payload: { url: `${SITE}/heat-map`, title: 'Heat map', topics: ['climate'] },
    })
    expect(single.statusCode).toBe(201)
    await follow(single.json().code, CHROME)
    await eventually(async () => {
      const res = await fetch(`${base}/api/v1/reports/funnel?topic=climate`, { headers: auth })
      const f = (await res.json()) as { shares: { total: number }; arrivals: { total: number } }
      const topics = (await (await fetch(`${base}/api/v1/reports/topics`, { headers: auth })).json()) as {
        topics: { topic: string; clicks: number }[]
      }
      return (
        f.shares.total === 5 && f.arrivals.total === 6 && topics.topics.find((r) => r.topic === 'climate')?.clicks === 8
      )
    })

    // The content page: four stages, left to right, each with its number.
    await page.goto(`${base}/dashboard/`)
    await page
      .locator('table.kits tr[data-content]', { hasText: 'Heatwave, explained' })
      .getByRole('link', { name: 'Heatwave, explained' })
      .click()
    await page.getByRole('heading', { name: 'Heatwave, explained', level: 1 }).waitFor()
    const funnel = page.locator('section.funnel')
    const stage = (key: string) => funnel.locator(`[data-stage="${key}"] .funnel-value`)
    await poll(() => stage('shares').textContent()).toBe('5')
    await poll(() => stage('seen').textContent()).toBe('3') // WhatsApp and Telegram cards, and the native link's
    const resolved = funnel.locator('section.breakdown', {
      has: page.getByRole('heading', { name: 'Share… resolved to apps' }),
    })
    expect(
      await resolved
        .getByRole('row', { name: /WhatsApp/ })
        .locator('.bar-value')
        .textContent(),
    ).toBe('1')
    expect(await stage('clicks').textContent()).toBe('7') // WhatsApp 5, email 1, X 1
    expect(await stage('reshares').textContent()).toBe('3') // two first-generation address-bar arrivals, one second
    const byChannel = funnel.locator('section.breakdown', {
      has: page.getByRole('heading', { name: 'Share actions by channel' }),
    })
    expect(
      await byChannel
        .getByRole('row', { name: /WhatsApp/ })
        .locator('.bar-value')
        .textContent(),
    ).toBe('3')
    expect(
      await byChannel
        .getByRole('row', { name: /Copied passage/ })
        .locator('.bar-value')
        .textContent(),
    ).toBe('1')
    expect(await funnel.locator('.funnel-summary').textContent()).toMatch(
      /Virality 2: .*1 through a short link.*1 dark/,
    )
    // The uPlot legend shows the period's totals when no bar is pointed at, not a row of dashes.
    expect(await page.locator('.u-legend').first().textContent()).not.toContain('—')
    expect(await page.locator('[data-note="in-app"]').count()).toBe(1)
    // Messenger's fb-messenger:// intent opens nothing on a desktop: Copy, no Open.
    const messenger = page.locator('table.kit tr[data-channel="messenger"]')
    expect(await messenger.getByRole('link', { name: /^Open/ }).count()).toBe(0)
    expect(await messenger.getByRole('button', { name: 'Copy the Messenger share intent' }).count()).toBe(1)
    expect(
      await page
        .locator('table.kit tr[data-channel="copy"]')
        .getByRole('button', { name: 'Copy the short link for pasting anywhere' })
        .count(),
    ).toBe(1)
    const funnelCsv = await page.request.get(
      `${base}${await funnel.getByRole('link', { name: 'Download the funnel (CSV)' }).getAttribute('href')}`,
    )
    expect(funnelCsv.headers()['content-disposition']).toMatch(/filename="funnel-content-\d+-[\d-]+-to-[\d-]+\.csv"/)
    await shot('9-content-funnel')

    // On a phone: the stages stack, the declared × observed table says it scrolls while it does.
    const phone = await context.newPage()
    await phone.setViewportSize({ width: 390, height: 844 })
    await phone.goto(page.url())
    await phone.locator('section.funnel [data-stage="reshares"]').waitFor()
    await phone.locator('table.matrix').waitFor()
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    const box = phone.locator('.scroll', { has: phone.locator('table.matrix') })
    const overflowing = await box.evaluate((el) => el.scrollWidth > el.clientWidth + 1)
    expect(overflowing).toBe(true) // WhatsApp's four mediums, email's and X's do not fit 390 px
    await poll(() => phone.getByText('Swipe the table sideways for more columns').isVisible()).toBe(true)
    await shot('10-content-funnel-phone', phone)
    await phone.locator('section.funnel').screenshot({ path: `${SHOTS}/10b-funnel-phone.png` })
    await box.screenshot({ path: `${SHOTS}/10c-declared-observed-phone.png` })
    await phone.close()

    // The topic page: the tiles, the table's total and the funnel agree; the stand-alone link has its row.
    await page.getByRole('link', { name: 'climate', exact: true }).first().click()
    await page.getByRole('heading', { name: 'Topic: climate' }).waitFor()
    const tile = (label: string) =>
      page.locator('.tile', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('.tile-value')
    await poll(() => tile('Clicks').textContent()).toBe('8')
    const table = page.locator('section', { has: page.getByRole('heading', { name: 'Contents and links' }) })
    await poll(() => table.locator('tr[data-total] td[data-label="Clicks"]').textContent()).toBe('8')
    expect(await table.locator(`tr[data-link="${single.json().code}"] td[data-label="Clicks"]`).textContent()).toBe('1')
    expect(await table.locator(`tr[data-link="${single.json().code}"]`).textContent()).toContain('stand-alone link')
    expect(await page.locator('section.funnel [data-stage="shares"] .funnel-value').textContent()).toBe('5')
    expect(await page.locator('[data-note="in-app"]').count()).toBe(1)
    const topicCsv = await page.request.get(
      `${base}${await page.getByRole('link', { name: 'Export clicks (CSV)' }).getAttribute('href')}`,
    )
    expect(topicCsv.headers()['content-disposition']).toMatch(/filename="clicks-topic-climate-[\d-]+-to-[\d-]+\.csv"/)
    await shot('11-topic-funnel')

    // The lists: each link and each kit with its clicks, without opening it.
    await page.goto(`${base}/dashboard/`)
    const whatsappRow = page.locator(`table.links tr[data-code="${kit.whatsapp}"]`)
    await poll(() => whatsappRow.locator('td[data-label="Clicks, 30 days"]').textContent()).toBe('5')
    const kitRow = page.locator('table.kits tr[data-content]', { hasText: 'Heatwave, explained' })
    await poll(() => kitRow.locator('td[data-label="Clicks, 30 days"]').textContent()).toBe('7')
    await shot('12-lists-with-clicks')
  })

  it('shows conversions on the link page and by channel', async () => {
    const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: auth, payload })
    const link = { url: 'https://shop.example/boots', code: 'boots', channel: 'whatsapp', conversionTracking: true }
    expect((await post('/api/v1/links', link)).statusCode).toBe(201)
    const res = await fetch(`${base}/boots`, { redirect: 'manual', headers: { 'user-agent': INSTAGRAM } })
    const click = new URL(String(res.headers.get('location'))).searchParams.get('umb_click')
    await t.app.clicks.writer.flush()
    const sale = { click, event: 'sale', value: 42.5, currency: 'EUR' }
    expect((await post('/api/v1/conversions', sale)).statusCode).toBe(201)

    await page.goto(`${base}/dashboard/links/boots`)
    const section = page.getByRole('region', { name: 'Conversions' })
    await section.waitFor()
    await poll(() => section.locator('.tiles').textContent()).toContain('€42.50')
    await shot('13-link-conversions')

    await page.getByRole('link', { name: 'Channels', exact: true }).click()
    const row = page.getByRole('region', { name: 'Conversions by channel' }).locator('tr[data-channel="whatsapp"]')
    await row.waitFor()
    expect(await row.textContent()).toContain('€42.50')
    await shot('14-conversions-by-channel')
  })

  it('is usable from the keyboard: a skip link, then the navigation', async () => {
    await page.goto(`${base}/dashboard/`)
    await page.getByRole('heading', { name: 'Links & kits' }).waitFor()
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Topics')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Topics', level: 1 }).waitFor()
  })

  it('signing out ends the session: the API refuses the browser', async () => {
    await page.goto(`${base}/dashboard/`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByLabel('API key').waitFor()
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in')
    const res = await page.request.get(`${base}/api/v1/links`)
    expect(res.status()).toBe(401)
    // Going back to a page asks to sign in again.
    await page.goto(`${base}/dashboard/links/${kit.whatsapp}`)
    await page.getByLabel('API key').waitFor()
  })
})
