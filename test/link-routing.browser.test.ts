import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM, chromiumArgsForSites, chromiumAvailable } from './support/chromium.ts'
import { ADMIN_KEY, auth, eventually, startTestApp, type TestApp } from './support/test-app.ts'
import { UA } from './support/user-agents.ts'

const SCREENSHOTS = new URL('../test-output/', import.meta.url).pathname
const hasChromium = chromiumAvailable('the password page and the in-app escape page')

describe.skipIf(!hasChromium)('routed link pages in headless Chromium', () => {
  let t: TestApp
  let base: string
  let site: Server
  let siteUrl: string
  let browser: Browser

  const create = async (body: object) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/links', headers: auth, payload: body })
    expect(res.statusCode, res.body).toBe(201)
    return res.json() as { code: string; shortUrl: string }
  }
  const statsOf = async (code: string) =>
    (await t.app.inject({ url: `/api/v1/links/${code}/stats`, headers: auth })).json()

  /** A page in a context of its own, recording console errors (CSP violations among them). */
  async function open(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage()
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(e.message))
    return { page, errors }
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    t = await startTestApp()
    base = await t.app.listen({ host: '127.0.0.1', port: 0 })
    // The targets: a site of its own, on another port.
    site = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(`<!doctype html><title>target</title><h1>Arrived at ${req.url}</h1>`)
    })
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
    // Reached by a name: Umbra refuses loopback targets; Chromium maps site.test to 127.0.0.1.
    const sitePort = (site.address() as AddressInfo).port
    siteUrl = `http://site.test:${sitePort}`
    browser = await chromium.launch({ executablePath: CHROMIUM, args: chromiumArgsForSites(sitePort, ['site.test']) })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    site?.close()
    await t?.close()
  })

  it('password page: the form, a wrong password (401), then the right one leads to the target, counted once', async () => {
    const link = await create({ url: `${siteUrl}/members`, password: 'correct horse' })
    // A browser's own user agent: HeadlessChrome is counted as the bot it is.
    const context = await browser.newContext({ userAgent: UA.desktop, viewport: { width: 390, height: 700 } })
    const { page, errors } = await open(context)
    const first = await page.goto(`${base}/${link.code}`)
    expect(first?.status()).toBe(200)
    await expect(page.getByLabel('Password').isVisible()).resolves.toBe(true)
    await page.screenshot({ path: `${SCREENSHOTS}password-form.png` })

    await page.getByLabel('Password').fill('wrong')
    const [wrong] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Continue' }).click(),
    ])
    expect(wrong?.status()).toBe(401)
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not right')
    await page.screenshot({ path: `${SCREENSHOTS}password-wrong.png` })

    await page.getByLabel('Password').fill('correct horse')
    await Promise.all([page.waitForURL(`${siteUrl}/members`), page.getByRole('button', { name: 'Continue' }).click()])
    await expect(page.locator('h1').textContent()).resolves.toBe('Arrived at /members')
    // The 401 answer itself is logged as a failed load; nothing else may be.
    expect(errors.filter((e) => !e.includes('status of 401'))).toEqual([])
    await eventually(async () => (await statsOf(link.code)).clicks === 1, 5_000)
    expect((await statsOf(link.code)).clicks).toBe(1)
    await context.close()
  })

  it('in-app escape page (Instagram on Android): a button to the browser intent and a plain link, no CSP error', async () => {
    const link = await create({ url: `${siteUrl}/story`, inAppEscape: true })
    const context = await browser.newContext({ userAgent: UA.instagramAndroid, viewport: { width: 390, height: 700 } })
    const { page, errors } = await open(context)
    // The page's script opens the intent at once: desktop Chromium has no app for it and aborts that navigation.
    const intent = page.waitForEvent('requestfailed', (r) => r.url().startsWith('intent://'))
    const res = await page.goto(`${base}/${link.code}`, { waitUntil: 'commit' })
    expect(res?.status()).toBe(200)
    // (a request's URL has no fragment: the button below shows the whole intent)
    expect((await intent).url()).toBe(`intent://${siteUrl.slice('http://'.length)}/story`)
    const button = page.getByRole('link', { name: 'Open in browser' })
    await expect(button.getAttribute('href')).resolves.toMatch(/^intent:\/\/site\.test:\d+\/story#Intent;scheme=http;/)
    await page.screenshot({ path: `${SCREENSHOTS}in-app-escape-android.png` })
    // Chromium on a desktop has nothing to hand intent: to; the page stays, with its plain link to the target.
    await expect(page.getByRole('link', { name: `${siteUrl}/story` }).getAttribute('href')).resolves.toBe(
      `${siteUrl}/story`,
    )
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([])
    await eventually(async () => {
      const s = await statsOf(link.code)
      return s.clicks === 1 && s.byMedium.in_app === 1 && s.byApp.instagram === 1
    }, 5_000)
    await context.close()
  })

  it('in-app escape page (Instagram on iOS): Open in Safari and what to do when it does not', async () => {
    const link = await create({ url: `${siteUrl}/story-ios`, inAppEscape: true })
    const context = await browser.newContext({ userAgent: UA.instagramIos, viewport: { width: 390, height: 700 } })
    const { page, errors } = await open(context)
    await page.goto(`${base}/${link.code}`)
    await expect(page.getByRole('link', { name: 'Open in Safari' }).getAttribute('href')).resolves.toBe(
      `x-safari-${siteUrl}/story-ios`,
    )
    await expect(page.locator('body').textContent()).resolves.toContain('Open in browser')
    await page.screenshot({ path: `${SCREENSHOTS}in-app-escape-ios.png` })
    expect(errors).toEqual([])
    await context.close()
  })

  it('app page (iPhone, custom scheme): the hashed script tries the app, then goes on to the store page', async () => {
    const link = await create({
      url: `${siteUrl}/web`,
      deepLinks: { ios: { url: 'umbratestapp://item/42', fallbackUrl: `${siteUrl}/store` } },
    })
    const context = await browser.newContext({ userAgent: UA.iphone, viewport: { width: 390, height: 700 } })
    const { page, errors } = await open(context)
    await page.goto(`${base}/${link.code}`)
    await page.screenshot({ path: `${SCREENSHOTS}app-opener-ios.png` })
    // No app takes umbratestapp: here, so the page is still in front after 1.5 s and the script goes on.
    await page.waitForURL(`${siteUrl}/store`, { timeout: 10_000 })
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([])
    await context.close()
  })

  it('dashboard: a single link with rules, an escape and a click limit, then clicks by rule on its page', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-US' })
    const { page, errors } = await open(context)
    await page.goto(`${base}/dashboard/`)
    await page.getByLabel('API key').fill(ADMIN_KEY)
    await page.getByRole('button', { name: 'Sign in with the key' }).click()
    await page.getByRole('heading', { name: 'Links & kits' }).waitFor()
    errors.length = 0 // the signed-out session check's 401 came before
    await page.getByLabel('A single link').check()
    await page.getByLabel('Page URL').fill(`${siteUrl}/en`)
    await page.getByRole('button', { name: 'Add a rule' }).click()
    await page.getByRole('button', { name: 'Add a rule' }).click()
    const rules = page.locator('li.rule')
    await rules.nth(0).getByLabel('Device').selectOption('ios')
    await rules.nth(0).getByPlaceholder('https://…').fill(`${siteUrl}/app-store`)
    await rules.nth(1).getByPlaceholder('fr, de').fill('fr')
    await rules.nth(1).getByPlaceholder('https://…').fill(`${siteUrl}/fr`)
    await page.getByLabel(/Open in the system browser/).check()
    await page.getByLabel('Stop after (human clicks)').fill('100')
    await page.screenshot({ path: `${SCREENSHOTS}dashboard-routing-create.png`, fullPage: true })
    await page.getByRole('button', { name: 'Create link' }).click()
    await page.getByRole('heading', { name: 'Link ready' }).waitFor()
    const shortUrl = (await page.locator('.create-result code').first().textContent())!.trim()
    const code = shortUrl.split('/').pop()!
    const stored = (await t.app.inject({ url: `/api/v1/links/${code}`, headers: auth })).json()
    expect(stored).toMatchObject({
      rules: [
        { if: { device: 'ios' }, url: `${siteUrl}/app-store` },
        { if: { language: ['fr'] }, url: `${siteUrl}/fr` },
      ],
      inAppEscape: true,
      maxClicks: 100,
    })

    const follow = (ua: string, language: string) =>
      fetch(`${base}/${code}`, { redirect: 'manual', headers: { 'user-agent': ua, 'accept-language': language } })
    for (const [ua, language] of [
      [UA.iphone, 'en'],
      [UA.desktop, 'fr-FR'],
      [UA.desktop, 'fr'],
      [UA.desktop, 'de'],
    ])
      expect((await follow(ua, language)).status).toBe(302)
    await eventually(async () => (await statsOf(code)).clicks === 4, 5_000)
    await page.goto(`${base}/dashboard/links/${code}`)
    const byRule = page.locator('section.breakdown', { has: page.getByRole('heading', { name: 'Clicks by rule' }) })
    await byRule.locator('table').waitFor()
    const rows = await byRule
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent, tr.querySelector('td')?.textContent]))
    expect(rows.sort()).toEqual([
      ['No rule matched (the link’s URL)', '1'],
      [`Rule 1 → ${siteUrl}/app-store`, '1'],
      [`Rule 2 → ${siteUrl}/fr`, '2'],
    ])
    await page.screenshot({ path: `${SCREENSHOTS}dashboard-routing-link-page.png`, fullPage: true })

    // Edit in place: drop the first rule, save, and the server keeps one rule.
    await page.getByRole('button', { name: 'Remove this rule' }).first().click()
    await page.getByRole('button', { name: 'Save routing' }).click()
    await eventually(async () => {
      const now = (await t.app.inject({ url: `/api/v1/links/${code}`, headers: auth })).json()
      return now.rules.length === 1 && now.rules[0].url === `${siteUrl}/fr`
    }, 5_000)
    expect(errors).toEqual([])
    await context.close()
  })
})
