import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestKey } from './support/api-keys.ts'
import { CHROMIUM, chromiumArgsForSites, chromiumAvailable } from './support/chromium.ts'
import { auth, startTestApp, type TestApp } from './support/test-app.ts'

const SCREENSHOTS = new URL('../test-output/', import.meta.url).pathname
const hasChromium = chromiumAvailable('the share widget')

const TITLE = 'Rock & Roll #1: مرحبا 🌍'
const CHANNELS = ['whatsapp', 'email', 'x', 'messenger', 'viber', 'slack', 'copy']
const FACEBOOK_APP_ID = '123456789012345'
const BRAND = 'go.site-news.test'

/** A publisher's article page that embeds the widget, as a CMS template would. */
function articlePage(apiBase: string, pageUrl: string, key: string, domain?: string) {
  const attr = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${attr(TITLE)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:40rem;color:#1f2937}</style></head>
<body><h1>${attr(TITLE)}</h1><p>An article people will share in private.</p>
<script src="${apiBase}/widget.js" data-key="${key}" data-url="${attr(pageUrl)}" data-title="${attr(TITLE)}"
  data-topics="music,climate" data-channels="${CHANNELS.join(',')}"${domain ? ` data-domain="${domain}"` : ''} async></script></body></html>`
}

describe.skipIf(!hasChromium)('share widget in headless Chromium', () => {
  let t: TestApp
  let apiBase: string
  let site: Server
  let sitePort: number
  let browser: Browser
  let key: string

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    t = await startTestApp({ RATE_LIMIT_WIDGET: '100000', FACEBOOK_APP_ID, DOMAINS: BRAND })
    apiBase = await t.app.listen({ host: '127.0.0.1', port: 0 })
    site = createServer((req, res) => {
      // The page's own URL is always the site.test one: the key allows it, whichever host the browser used.
      const pageUrl = `http://site.test:${sitePort}${req.url}`
      const domain = req.url?.startsWith('/branded') ? BRAND : undefined
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articlePage(apiBase, pageUrl, key, domain))
    })
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
    sitePort = (site.address() as AddressInfo).port
    key = (await createTestKey(t.app, { kind: 'publishable', origins: [`http://site.test:${sitePort}`] })).secret
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: chromiumArgsForSites(sitePort, ['site.test', 'other.test']),
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => site?.close(resolve))
    await t?.close()
  })

  async function openArticle(origin: string, path: string, watch?: (page: Page) => void): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 900, height: 360 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
    const page = await context.newPage()
    watch?.(page)
    await page.goto(`${origin}${path}`)
    await page.waitForSelector('.umbra-share[data-state="ready"], .umbra-share[data-state="error"]', {
      state: 'attached',
      timeout: 15_000,
    })
    return page
  }

  it('renders accessible share buttons with the kit’s intents, and copy-link copies the short link', async () => {
    const pageOrigin = `http://site.test:${sitePort}`
    const page = await openArticle(pageOrigin, '/article')
    expect(await page.getAttribute('.umbra-share', 'data-state')).toBe('ready')

    // The kit the widget minted, read by its owner: what each button must point at.
    const { id } = (await t.app.pg.query('select id from contents where url = $1', [`${pageOrigin}/article`])).rows[0]
    const kit = (await t.app.inject({ url: `/api/v1/shares/${id}`, headers: auth })).json()
    expect(kit.content).toMatchObject({ title: TITLE, topics: ['music', 'climate'], confirmed: false })
    const link = (channel: string) => kit.links.find((l: { channel: string }) => l.channel === channel)

    const controls = await page.$$eval('.umbra-share a, .umbra-share button', (nodes) =>
      nodes.map((n) => ({
        tag: n.tagName.toLowerCase(),
        channel: n.getAttribute('data-channel'),
        href: n.getAttribute('href'),
        name: n.getAttribute('aria-label'),
        text: n.textContent,
      })),
    )
    const native = controls.filter((c) => c.channel === 'native')
    expect(controls.slice(native.length)).toEqual([
      {
        tag: 'a',
        channel: 'whatsapp',
        href: link('whatsapp').shareUrl,
        name: 'Share on WhatsApp (opens a new window)',
        text: 'WhatsApp',
      },
      {
        tag: 'a',
        channel: 'email',
        href: link('email').shareUrl,
        name: 'Share on Email (opens an app)',
        text: 'Email',
      },
      { tag: 'a', channel: 'x', href: link('x').shareUrl, name: 'Share on X (opens a new window)', text: 'X' },
      // A desktop browser cannot open fb-messenger://: it gets Facebook's send dialog (FACEBOOK_APP_ID is set) ...
      {
        tag: 'a',
        channel: 'messenger',
        href: link('messenger').desktopShareUrl,
        name: 'Share on Messenger (opens a new window)',
        text: 'Messenger',
      },
      // ... and where there is no web intent (viber://), a copy button.
      { tag: 'button', channel: 'viber', href: null, name: 'Copy link for Viber', text: 'Viber' },
      { tag: 'button', channel: 'slack', href: null, name: 'Copy link for Slack', text: 'Slack' },
      { tag: 'button', channel: 'copy', href: null, name: 'Copy link', text: 'Copy link' },
    ])
    // A publishable key's title is unconfirmed (anyone can send one): the intents carry the short link alone.
    expect(decodeURIComponent(link('whatsapp').shareUrl)).toBe(`https://wa.me/?text=${link('whatsapp').shortUrl}`)
    const dialog = new URL(link('messenger').desktopShareUrl)
    expect(Object.fromEntries(dialog.searchParams)).toEqual({
      app_id: FACEBOOK_APP_ID,
      link: link('messenger').shortUrl,
      redirect_uri: link('messenger').url,
    })

    // Keyboard: Tab walks the buttons in order; Enter on "Copy link" copies the copy channel's link.
    const tabOrder: (string | null)[] = []
    for (let i = 0; i < controls.length; i++) {
      await page.keyboard.press('Tab')
      tabOrder.push(
        await page.evaluate<string | null>(
          `document.activeElement && document.activeElement.getAttribute('data-channel')`,
        ),
      )
    }
    expect(tabOrder).toEqual(controls.map((c) => c.channel))
    await page.keyboard.press('Enter')
    await page.waitForFunction(`document.querySelector('.umbra-share__status').textContent === 'Link copied'`)
    const clipboard = () => page.evaluate<string>('navigator.clipboard.readText()')
    expect(await clipboard()).toBe(link('copy').shortUrl)
    await page.screenshot({ path: `${SCREENSHOTS}widget-allowed-origin.png` })

    for (const channel of ['slack', 'viber']) {
      await page.click(`button[data-channel="${channel}"]`)
      await page.waitForFunction(
        `navigator.clipboard.readText().then((text) => text === ${JSON.stringify(link(channel).shortUrl)})`,
      )
    }
    await page.context().close()
  }, 60_000)

  it('offers the native share sheet where the browser has one, with the native channel’s own link', async () => {
    const pageOrigin = `http://site.test:${sitePort}`
    const context = await browser.newContext()
    // Desktop Chromium on Linux has no navigator.share: stand in for a phone's share sheet.
    await context.addInitScript('navigator.share = (data) => { window.sharedWith = data; return Promise.resolve() }')
    const page = await context.newPage()
    await page.goto(`${pageOrigin}/native-share`)
    await page.waitForSelector('.umbra-share[data-state="ready"]')
    await page.getByRole('button', { name: 'Share this page' }).click()
    const shared = await page.evaluate<{ title: string; url: string }>('window.sharedWith')
    const kit = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/shares',
        headers: auth,
        payload: { url: `${pageOrigin}/native-share`, channels: ['native'] },
      })
    ).json()
    expect(shared).toEqual({ title: TITLE, url: kit.links[0].shortUrl })
    await context.close()
  }, 60_000)

  it('mints the kit on the short domain data-domain names: every button shares that domain’s links', async () => {
    const pageOrigin = `http://site.test:${sitePort}`
    const page = await openArticle(pageOrigin, '/branded-article')
    expect(await page.getAttribute('.umbra-share', 'data-state')).toBe('ready')
    const { rows } = await t.app.pg.query(
      'select c.domain as kit, l.domain, l.code from contents c join links l on l.content_id = c.id where c.url = $1',
      [`${pageOrigin}/branded-article`],
    )
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows) expect(row).toMatchObject({ kit: BRAND, domain: BRAND })
    const whatsapp = await page.getAttribute('.umbra-share a[data-channel="whatsapp"]', 'href')
    const code = rows.find((r) => whatsapp?.includes(encodeURIComponent(`/${r.code}`)))?.code
    expect(whatsapp).toContain(encodeURIComponent(`http://${BRAND}/${code}`))
    await page.click('button[data-channel="copy"]')
    await page.waitForFunction(
      `navigator.clipboard.readText().then((text) => text.startsWith(${JSON.stringify(`http://${BRAND}/`)}))`,
    )
    await page.context().close()
  }, 60_000)

  it('is refused on a page whose origin the key does not allow', async () => {
    // other.test and site.test are different origins (one server): the key allows only the latter.
    const warnings: string[] = []
    const page = await openArticle(`http://other.test:${sitePort}`, '/refused-article', (p) =>
      p.on('console', (m) => m.type() === 'warning' && warnings.push(m.text())),
    )
    expect(await page.getAttribute('.umbra-share', 'data-state')).toBe('error')
    // The fallback: one button that copies the page's own URL, no short link.
    const fallback = await page.$$eval('.umbra-share a, .umbra-share button', (nodes) =>
      nodes.map((n) => n.getAttribute('aria-label')),
    )
    expect(fallback).toEqual(['Copy the link to this page'])
    await page.click('button[data-channel="copy"]')
    await page.waitForFunction(`navigator.clipboard.readText().then((text) => text === location.href)`)
    // The server's own reason is readable by the page, so its console says what is wrong; a kit is not.
    const direct = await page.evaluate(
      async ([api, pk, url]) => {
        const res = await fetch(`${api}/api/v1/widget/kit`, {
          method: 'POST',
          headers: { authorization: `Bearer ${pk}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url }),
        })
        return { status: res.status, detail: ((await res.json()) as { detail: string }).detail }
      },
      [apiBase, key, `http://site.test:${sitePort}/refused-article`],
    )
    expect(direct).toEqual({
      status: 403,
      detail: `this publishable key is not allowed on pages of http://other.test:${sitePort}`,
    })
    expect(
      warnings.some((w) => w.includes('[umbra] share kit refused: this publishable key is not allowed on pages of')),
    ).toBe(true)
    const { rows } = await t.app.pg.query('select count(*)::int as n from contents where url = $1', [
      `http://site.test:${sitePort}/refused-article`,
    ])
    expect(rows[0].n).toBe(0)
    await page.screenshot({ path: `${SCREENSHOTS}widget-refused-origin.png` })
    await page.context().close()
  }, 60_000)
})
