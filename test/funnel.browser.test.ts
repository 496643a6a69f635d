import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type Page, type Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestKey } from './support/api-keys.ts'
import { CHROMIUM, chromiumArgsForSites, chromiumAvailable } from './support/chromium.ts'
import { auth, startTestApp, type TestApp } from './support/test-app.ts'

const hasChromium = chromiumAvailable('the share funnel page tag')

const PASSAGE = 'Heat pumps move heat instead of making it, which is why they use a third of the energy of a boiler.'
const READER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
type BeaconBody = {
  type: 'share' | 'arrival'
  url: string
  page: string
  channel?: string
  referrer?: string
  via?: string
  parent?: string
  token?: string
  generation?: number
}

/**
 * A publisher's site on another origin than Umbra. /spa/… pages have a link that navigates with
 * pushState; every page embeds the tag with address-bar sharing and copy capture on.
 */
function publisherPage(apiBase: string, key: string, contentUrl: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Heat pumps</title>
<link rel="canonical" href="${contentUrl}"></head>
<body><h1>Heat pumps</h1><p id="passage">${PASSAGE}</p><h2 id="section-2">Costs</h2>
<a id="spa-next" href="#">Next page</a>
<script nonce="n0nce">document.getElementById('spa-next').onclick = function (e) { e.preventDefault(); history.pushState({}, '', location.pathname + '-next') }</script>
<script nonce="n0nce" src="${apiBase}/widget.js" data-key="${key}" data-channels="whatsapp,copy"
  data-address-bar="on" data-copy-capture="on" async></script></body></html>`
}

describe.skipIf(!hasChromium)('the page tag on a publisher page, in headless Chromium', () => {
  let t: TestApp
  let apiBase: string
  let site: Server
  let siteOrigin: string
  let browser: Browser
  let key: string
  const consoleErrors: string[] = []

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_WIDGET: '100000' })
    apiBase = await t.app.listen({ host: '127.0.0.1', port: 0 })
    site = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]
      // A strict CSP: nonce'd scripts only, beacons and the kit to Umbra only.
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `default-src 'self'; script-src 'nonce-n0nce'; connect-src ${apiBase}; style-src 'self'`,
      })
      res.end(publisherPage(apiBase, key, `${siteOrigin}${path}`))
    })
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
    const sitePort = (site.address() as AddressInfo).port
    siteOrigin = `http://site.test:${sitePort}`
    key = (await createTestKey(t.app, { kind: 'publishable', origins: [siteOrigin] })).secret
    browser = await chromium.launch({ executablePath: CHROMIUM, args: chromiumArgsForSites(sitePort, ['site.test']) })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => site?.close(resolve))
    await t?.close()
  })

  /** A reader: a browser context of its own (no shared cookies, storage or history), recording the beacons its pages send. */
  async function reader(o: { optOut?: boolean } = {}) {
    // A reader's browser says what it is; headless Chromium's own user agent is (rightly) classified as a bot.
    const context = await browser.newContext({ viewport: { width: 900, height: 500 }, userAgent: READER_UA })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: siteOrigin })
    // Share intents open other sites: answered locally (the test has no internet).
    await context.route(/^https:\/\/(wa\.me|api\.whatsapp\.com)\//, (route) => route.fulfill({ body: 'intent' }))
    // Global Privacy Control, as a browser with it switched on reports it.
    if (o.optOut)
      await context.addInitScript(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })",
      )
    // A beacon is recorded once Umbra has answered it (or it failed): an answered beacon is journaled,
    // so the funnel report after a flush counts every beacon in the list.
    const beacons: BeaconBody[] = []
    const record = (request: Request) => {
      if (request.url().startsWith(`${apiBase}/api/v1/beacons`)) beacons.push(JSON.parse(request.postData() ?? 'null'))
    }
    context.on('requestfinished', record)
    context.on('requestfailed', record)
    const open = async (url: string): Promise<Page> => {
      const page = await context.newPage()
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${page.url()}: ${m.text()}`))
      page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: ${err.message}`))
      await page.goto(url)
      await page.waitForSelector('.umbra-share[data-state="ready"]', { state: 'attached', timeout: 15_000 })
      return page
    }
    return { context, beacons, open }
  }

  const waitFor = async (what: () => boolean, label: string) => {
    for (let i = 0; i < 100 && !what(); i++) await new Promise((r) => setTimeout(r, 50))
    expect(what(), label).toBe(true)
  }
  const hashOf = (page: Page) => new URL(page.url()).hash
  const arrivals = (beacons: BeaconBody[]) => beacons.filter((b) => b.type === 'arrival')
  /** The funnel report of the content at `url`, once the beacons sent so far are in Postgres. */
  const funnelOf = async (url: string) => {
    await t.app.funnel.flush()
    const kit = await kitOf(url)
    return (await t.app.inject({ url: `/api/v1/reports/funnel?content=${kit.content.id}`, headers: auth })).json()
  }
  const kitOf = async (url: string) =>
    (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/shares',
        headers: auth,
        payload: { url, channels: ['whatsapp', 'copy'] },
      })
    ).json()

  it('a press on a channel button sends one share action before the intent opens, and no click', async () => {
    const a = await reader()
    const page = await a.open(`${siteOrigin}/story-share`)
    await waitFor(() => arrivals(a.beacons).length === 1, 'the page view’s arrival')
    const popup = a.context.waitForEvent('page')
    await page.click('a[data-channel="whatsapp"]')
    await popup
    await waitFor(() => a.beacons.some((b) => b.type === 'share'), 'a share beacon')
    const url = `${siteOrigin}/story-share`
    expect(a.beacons.filter((b) => b.type === 'share')).toEqual([
      { type: 'share', url, page: url, channel: 'whatsapp' },
    ])
    const whatsapp = (await kitOf(url)).links.find((l: { channel: string }) => l.channel === 'whatsapp')
    const { rows } = await t.app.pg.query(
      'select coalesce(sum(r.clicks), 0)::int as n from click_rollups_hourly r join links l on l.id = r.link_id where l.code = $1',
      [whatsapp.code],
    )
    expect(rows[0].n).toBe(0)
    const funnel = await funnelOf(url)
    expect(funnel.shares).toEqual({ total: 1, byChannel: { whatsapp: 1 } })
    expect(funnel.clicks.total).toBe(0)
    expect(funnel.arrivals).toMatchObject({ total: 1, unattributed: 1, byMedium: { direct: 1 } })
    await a.context.close()
  }, 60_000)

  it('address-bar sharing: generation 1 for the second reader, 2 for the third; the first is 0', async () => {
    const url = `${siteOrigin}/story-chain`
    const first = await reader()
    const p1 = await first.open(url)
    await waitFor(() => /^#u=[0-9A-Za-z]{8}\.0$/.test(hashOf(p1)), 'the first reader’s token, generation 0')
    const second = await reader()
    const p2 = await second.open(p1.url())
    await waitFor(() => arrivals(second.beacons).length === 1, 'the second reader’s arrival')
    const third = await reader()
    const p3 = await third.open(p2.url())
    await waitFor(() => arrivals(third.beacons).length === 1, 'the third reader’s arrival')

    const token = (page: Page) => hashOf(page).slice(3, 11)
    expect(arrivals(first.beacons)[0]).toMatchObject({ generation: 0, token: token(p1), referrer: '' })
    expect(arrivals(first.beacons)[0].parent).toBeUndefined()
    expect(arrivals(second.beacons)[0]).toMatchObject({ parent: token(p1), token: token(p2), generation: 1 })
    expect(arrivals(third.beacons)[0]).toMatchObject({ parent: token(p2), token: token(p3), generation: 2 })
    expect(hashOf(p2)).toBe(`#u=${token(p2)}.1`)
    expect(hashOf(p3)).toBe(`#u=${token(p3)}.2`)
    // Tokens are per page view: a reload shows the same token and is no new arrival.
    await p3.reload()
    await p3.waitForSelector('.umbra-share[data-state="ready"]')
    expect(hashOf(p3)).toBe(`#u=${token(p3)}.2`)
    expect(arrivals(third.beacons)).toHaveLength(1)
    const funnel = await funnelOf(url)
    expect(funnel.addressBar).toEqual({ arrivals: 2, byGeneration: { '1': 1, '2': 1 } })
    expect(funnel.arrivals).toMatchObject({ total: 3, viaAddressBar: 2, unattributed: 1 })
    for (const r of [first, second, third]) await r.context.close()
  }, 60_000)

  it('a reader arriving through a kit link counts once, via the short link, and the marker leaves the URL', async () => {
    const url = `${siteOrigin}/story-kit`
    const copy = (await kitOf(url)).links.find((l: { channel: string }) => l.channel === 'copy')
    const r = await reader()
    const page = await r.open(`${apiBase}/${copy.code}`)
    await waitFor(() => arrivals(r.beacons).length === 1, 'the arrival')
    expect(arrivals(r.beacons)).toEqual([expect.objectContaining({ url, via: copy.code, generation: 0 })])
    expect(arrivals(r.beacons)[0].parent).toBeUndefined()
    expect(page.url()).toMatch(new RegExp(`^${url}#u=[0-9A-Za-z]{8}\\.0$`))
    // One click on the link, one arrival via the short link: not two readers, not an unattributed one.
    await t.app.clicks.writer.flush()
    const funnel = await funnelOf(url)
    expect(funnel.clicks).toMatchObject({ total: 1, dark: 1 })
    expect(funnel.arrivals).toMatchObject({ total: 1, viaShortLink: 1, unattributed: 0 })
    await r.context.close()
  }, 60_000)

  it('keeps a fragment the page uses (an in-page anchor) and adds no token to it', async () => {
    const r = await reader()
    const page = await r.open(`${siteOrigin}/story-anchor#section-2`)
    await waitFor(() => arrivals(r.beacons).length === 1, 'the arrival')
    expect(hashOf(page)).toBe('#section-2')
    expect(arrivals(r.beacons)[0].token).toBeUndefined()
    await r.context.close()
  }, 60_000)

  it('gives a single-page app’s next page view a token of its own', async () => {
    const r = await reader()
    const page = await r.open(`${siteOrigin}/spa`)
    await waitFor(() => /^#u=/.test(hashOf(page)), 'the first view’s token')
    const before = hashOf(page)
    await page.click('#spa-next')
    await waitFor(
      () => new URL(page.url()).pathname === '/spa-next' && /^#u=[0-9A-Za-z]{8}\.0$/.test(hashOf(page)),
      'a token on the pushed URL',
    )
    expect(hashOf(page)).not.toBe(before)
    // Back: the earlier view's URL, token and all, is left as it was.
    await page.goBack()
    await waitFor(() => new URL(page.url()).pathname === '/spa', 'back on the first view')
    expect(hashOf(page)).toBe(before)
    await r.context.close()
  }, 60_000)

  it('copy capture: a copied passage carries a "Read more" line with the copy channel’s short link', async () => {
    const url = `${siteOrigin}/story-copy`
    const r = await reader()
    const page = await r.open(url)
    await page.evaluate(`getSelection().selectAllChildren(document.getElementById('passage'))`)
    await page.keyboard.press('Control+C')
    const copy = (await kitOf(url)).links.find((l: { channel: string }) => l.channel === 'copy')
    await waitFor(() => r.beacons.some((b) => b.channel === 'copy_text'), 'a copy_text share')
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(
      `${PASSAGE}\n\nRead more: ${copy.shortUrl}`,
    )
    // A few words are a quote, not a share: left as they are.
    await page.evaluate(
      `(() => { const r = document.createRange(); const t = document.getElementById('passage').firstChild; r.setStart(t, 0); r.setEnd(t, 15); getSelection().removeAllRanges(); getSelection().addRange(r) })()`,
    )
    await page.keyboard.press('Control+C')
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(PASSAGE.slice(0, 15))
    expect(r.beacons.filter((b) => b.channel === 'copy_text')).toHaveLength(1)
    expect((await funnelOf(url)).shares).toEqual({ total: 1, byChannel: { copy_text: 1 } })
    await r.context.close()
  }, 60_000)

  it('sends nothing for a reader with Global Privacy Control, and puts no token in the address bar', async () => {
    const r = await reader({ optOut: true })
    const page = await r.open(`${siteOrigin}/story-gpc`)
    await page.click('button[data-channel="copy"]')
    // A locator, not waitForFunction: a string predicate is an eval, which the page's strict CSP refuses.
    await page.locator('.umbra-share__status', { hasText: 'Link copied' }).waitFor()
    await page.evaluate(`getSelection().selectAllChildren(document.getElementById('passage'))`)
    await page.keyboard.press('Control+C')
    // The arrival would have gone right after the kit; give any straggler the time a beacon takes.
    await page.evaluate('new Promise((r) => setTimeout(r, 500))')
    expect(r.beacons).toEqual([])
    expect(hashOf(page)).toBe('')
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(PASSAGE)
    const funnel = await funnelOf(`${siteOrigin}/story-gpc`)
    expect([funnel.shares.total, funnel.arrivals.total]).toEqual([0, 0])
    await r.context.close()
  }, 60_000)
  it('logged no console errors on any page (a strict CSP included)', () => {
    expect(consoleErrors).toEqual([])
  })
})
