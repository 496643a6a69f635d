import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '../support/chromium.ts'
import { writeMmdb } from '../support/mmdb-writer.ts'
import { ADMIN_KEY, auth, createScratchDatabase, eventually, startTestApp, type TestApp } from '../support/test-app.ts'

/**
 * A branded-domain link made on the dashboard (the domain picker), then read by country and city on its link
 * page (GEOIP_DB: a City database written here, in MaxMind's format).
 * Screenshots land in test-output/dashboard/ for a person to look at.
 */
const SHOTS = 'test-output/dashboard'
const hasChromium = chromiumAvailable('the dashboard')
const BRAND = 'go.brand.test'
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'

describe.skipIf(!hasChromium)('domains and countries on the dashboard', () => {
  let t: TestApp
  let base: string
  let browser: Browser
  let page: Page
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>
  const geo = mkdtempSync(join(tmpdir(), 'umbra-city-'))

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    const city = (country: string, region: string, name: string) => ({
      country: { iso_code: country },
      subdivisions: [{ iso_code: region }],
      city: { names: { en: name } },
    })
    const cities = join(geo, 'GeoLite2-City-test.mmdb')
    writeFileSync(
      cities,
      writeMmdb([
        { network: '193.51.224.0/24', record: city('FR', 'IDF', 'Paris') },
        { network: '8.8.8.0/24', record: city('US', 'CA', 'Mountain View') },
      ]),
    )
    scratch = await createScratchDatabase()
    t = await startTestApp(
      {
        PUBLIC_URL: 'http://umbra.test',
        DOMAINS: BRAND,
        TRUST_PROXY: '1',
        GEOIP_DB: cities,
        ...(scratch ? { DATABASE_URL: scratch.url } : {}),
      },
      scratch ? 'postgres' : 'embedded',
    )
    base = await t.app.listen({ host: '127.0.0.1', port: 0 })
    const { chromium } = await import('playwright-core')
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' })
    page = await context.newPage()
    page.setDefaultTimeout(8_000)
    page.on('pageerror', (err) => {
      throw err
    })
  })
  afterAll(async () => {
    await browser?.close()
    await t?.close()
    await scratch?.drop()
    rmSync(geo, { recursive: true, force: true })
  })

  it('creates a link on a branded domain with the picker and shows its clicks by country and city', async () => {
    await page.goto(`${base}/dashboard/`)
    await page.getByLabel('API key').fill(ADMIN_KEY)
    await page.getByRole('button', { name: 'Sign in with the key' }).click()
    const create = page.getByRole('region', { name: 'Create' })
    await create.getByLabel('A single link').check()
    await create.getByLabel('Page URL').fill('https://example.com/branded')
    await create.getByLabel('Title').fill('Branded page')
    const picker = create.getByLabel('Domain')
    await picker.waitFor()
    expect(await picker.locator('option').allTextContents()).toEqual(['umbra.test', BRAND])
    await picker.selectOption({ label: BRAND })
    await create.screenshot({ path: `${SHOTS}/8-create-on-branded-domain.png` })
    await create.getByRole('button', { name: 'Create link' }).click()
    const short = await page.locator('.create-result code.short').textContent()
    expect(short).toMatch(new RegExp(`^http://${BRAND.replaceAll('.', '\\.')}/[A-Za-z0-9_-]+$`))
    const code = short!.split('/').pop()!

    // Visits through the proxy TRUST_PROXY=1 trusts, from France twice and the United States once, on the brand's host.
    const { request } = await import('node:http')
    const visit = (ip: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          `${base}/${code}`,
          { headers: { host: BRAND, 'user-agent': CHROME, 'x-forwarded-for': ip } },
          (res) => {
            res.resume()
            resolve(res.statusCode!)
          },
        )
        req.on('error', reject).end()
      })
    for (const ip of ['193.51.224.1', '193.51.224.2', '8.8.8.8']) expect(await visit(ip)).toBe(302)
    await eventually(async () => {
      const res = await fetch(`${base}/api/v1/links/${code}/stats?domain=${BRAND}`, { headers: auth })
      return ((await res.json()) as { clicks: number }).clicks === 3
    })

    await page.locator(`table.links a.code`, { hasText: code }).click()
    await page.getByRole('heading', { name: 'Branded page' }).waitFor()
    const countries = page.locator('section.breakdown', { has: page.getByRole('heading', { name: 'Countries' }) })
    await countries.locator('tr').first().waitFor()
    expect(
      await countries
        .getByRole('row', { name: /France \(FR\)/ })
        .locator('.bar-value')
        .textContent(),
    ).toBe('2')
    expect(
      await countries
        .getByRole('row', { name: /United States \(US\)/ })
        .locator('.bar-value')
        .textContent(),
    ).toBe('1')
    const cities = page.locator('section.breakdown', { has: page.getByRole('heading', { name: 'Cities' }) })
    expect(await cities.locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^Paris, IDF \(FR\)\s*2/),
      expect.stringMatching(/^Mountain View, CA \(US\)\s*1/),
    ])
    expect(await page.locator('dl.facts').textContent()).toContain(BRAND)
    await countries.scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}/9-branded-link-countries.png`, fullPage: true })
  })
})
