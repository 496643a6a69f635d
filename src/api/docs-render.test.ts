import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '../../test/support/chromium.ts'
import { startTestApp, type TestApp } from '../../test/support/test-app.ts'

const hasChromium = chromiumAvailable('/docs')

let t: TestApp
let browser: Browser
let base: string

describe.skipIf(!hasChromium)('/docs in headless Chromium', () => {
  beforeAll(async () => {
    t = await startTestApp()
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, '--headless=new'],
    })
  })
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('renders every operation of the OpenAPI document, with no script error or CSP violation', async () => {
    const doc = (await (await fetch(`${base}/docs/json`)).json()) as { paths: Record<string, object> }
    const operationCount = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0)

    const page = await browser.newPage()
    const problems: string[] = []
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`)
    })
    const response = await page.goto(`${base}/docs`, { waitUntil: 'load' })
    expect(response?.status()).toBe(200)
    await page.waitForSelector('.swagger-ui .opblock', { timeout: 15_000 })
    await expect.poll(() => page.locator('.swagger-ui .opblock').count(), { timeout: 15_000 }).toBe(operationCount)
    expect(await page.locator('.swagger-ui .info .title').textContent()).toContain('Umbra API')
    // Open one operation: its problem responses render from the shared Problem schema.
    await page.locator('#operations-keys-post_api_v1_keys').click()
    await page.waitForSelector('#operations-keys-post_api_v1_keys .responses-table')
    const responses = await page.locator('#operations-keys-post_api_v1_keys .responses-table').first().textContent()
    for (const status of ['201', '400', '401', '403', '429']) expect(responses).toContain(status)
    await page.screenshot({ path: `${process.env.DOCS_SCREENSHOT ?? `${t.config.dataDir}/docs.png`}`, fullPage: false })
    expect(problems).toEqual([])
    await page.close()
  })
})
