import { mkdirSync } from 'node:fs'
import { Writable } from 'node:stream'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '../support/chromium.ts'
import { TEST_PASSWORD, uniqueEmail } from '../support/people.ts'
import { createScratchDatabase, testConfig } from '../support/test-app.ts'

/**
 * The newcomer's path in Chromium: the setup URL from the log makes the owner, who invites an editor and a
 * viewer; each accepts in a browser of their own and sees only what their role allows. Screenshots land in
 * test-output/people/ for a person to look at.
 */
const SHOTS = 'test-output/people'
const hasChromium = chromiumAvailable('people accounts')

// The newcomer's path on both engines: the embedded default and a Postgres server.
describe.skipIf(!hasChromium).each(['embedded', 'postgres'] as const)('people in headless Chromium (%s)', (engine) => {
  let app: Awaited<ReturnType<typeof buildApp>>
  let base: string
  let browser: Browser
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>
  let setupUrl: string
  const invitations: Record<string, string> = {}
  const owner = { email: uniqueEmail('owner'), password: TEST_PASSWORD }

  const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${engine}-${name}.png`, fullPage: true })
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' })
    const page = await context.newPage()
    page.setDefaultTimeout(8_000)
    page.on('pageerror', (err) => {
      throw err
    })
    return page
  }
  const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 8_000 })

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    // A database without accounts, a server without ADMIN_API_KEY: a first start.
    scratch = engine === 'postgres' ? await createScratchDatabase() : null
    const config = testConfig(
      { ADMIN_API_KEY: '', PUBLIC_URL: 'http://127.0.0.1:0', ...(scratch ? { DATABASE_URL: scratch.url } : {}) },
      scratch ? 'postgres' : 'embedded',
    )
    app = await buildApp(config, {
      logStream: new Writable({ write: (_chunk, _encoding, done) => done() }),
    })
    base = await app.listen({ host: '127.0.0.1', port: 0 })
    setupUrl = (app.people.setupUrl() as string).replace('http://127.0.0.1:0', base)
    const { chromium } = await import('playwright-core')
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await scratch?.drop()
  })

  it('a signed-out visitor of / lands on the sign-in page, which points at the setup link', async () => {
    const page = await newPage()
    await page.goto(`${base}/`)
    await page.getByRole('heading', { name: 'Sign in to Umbra' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in')
    await poll(() => page.getByText('No account exists yet').isVisible()).toBe(true)
    await shot(page, '1-sign-in-first-run')
  })

  it('the setup URL creates the owner and signs them in; it works once', async () => {
    const page = await newPage()
    await page.goto(setupUrl)
    await page.getByLabel('Your email').fill(owner.email)
    await page.getByLabel('Choose a password').fill('password123')
    await page.getByRole('button', { name: 'Create the owner account' }).click()
    await poll(() => page.locator('#setup-error').textContent()).toContain('most common passwords')
    await shot(page, '2-setup-weak-password')
    await page.getByLabel('Choose a password').fill(owner.password)
    await page.getByRole('button', { name: 'Create the owner account' }).click()
    await page.getByRole('heading', { name: 'Links & kits' }).waitFor()
    await poll(() => page.locator('#who').textContent()).toBe(`${owner.email} · owner`)
    expect(await page.getByRole('link', { name: 'Members' }).isVisible()).toBe(true)
    expect(app.people.setupUrl()).toBeNull()

    await page.getByRole('link', { name: 'Members' }).click()
    for (const role of ['editor', 'viewer']) {
      await page.getByLabel('Email', { exact: true }).fill(uniqueEmail(role))
      await page.getByLabel('Role', { exact: true }).selectOption(role)
      await page.getByRole('button', { name: 'Invite' }).click()
      await poll(() => page.locator('.invitation-link').textContent()).toContain(`(${role})`)
      const link = (await page.locator('.invitation-link code').textContent()) as string
      expect(link).toMatch(/^http:\/\/127\.0\.0\.1:0\/dashboard\/join\?token=[\w-]{43}$/)
      invitations[role] = link.replace('http://127.0.0.1:0', base) // PUBLIC_URL was set before the port was known
    }
    await shot(page, '3-members-invited')

    const again = await newPage()
    await again.goto(setupUrl)
    await again.getByLabel('Your email').fill(uniqueEmail('second'))
    await again.getByLabel('Choose a password').fill(owner.password)
    await again.getByRole('button', { name: 'Create the owner account' }).click()
    await poll(() => again.locator('#setup-error').textContent()).toContain('not valid')
  })

  it('an invited editor joins and may create links, but sees no members, keys or audit', async () => {
    const page = await newPage()
    await page.goto(invitations.editor)
    await page.getByText('You are invited as editor').waitFor()
    await shot(page, '4-invitation')
    await page.getByLabel('Choose a password').fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Join' }).click()
    await page.getByRole('heading', { name: 'Links & kits' }).waitFor()
    expect(await page.getByRole('link', { name: 'Members' }).isVisible()).toBe(false)
    expect(await page.getByRole('link', { name: 'Keys' }).isVisible()).toBe(false)
    await page.goto(`${base}/dashboard/members`)
    await page.getByRole('heading', { name: 'Not for your role' }).waitFor()
    await shot(page, '5-editor-members-refused')
    // The invitation link is single-use.
    const reuse = await newPage()
    await reuse.goto(invitations.editor)
    await reuse.getByRole('heading', { name: 'This invitation cannot be used' }).waitFor()
  })

  it('an invited viewer joins and reads, but cannot write: the API refuses their session', async () => {
    const page = await newPage()
    await page.goto(invitations.viewer)
    await page.getByLabel('Choose a password').fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Join' }).click()
    await page.getByRole('heading', { name: 'Links & kits' }).waitFor()
    const status = await page.evaluate(async () => {
      const res = await fetch('/api/v1/links', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://example.com/viewer' }),
      })
      return res.status
    })
    expect(status).toBe(403)
    await page.getByRole('link', { name: 'Profile' }).click()
    await page.getByRole('heading', { name: 'Your profile' }).waitFor()
    await shot(page, '6-viewer-profile')
    await page.getByRole('button', { name: 'Sign out everywhere' }).click()
    await page.getByRole('heading', { name: 'Sign in to Umbra' }).waitFor()
  })

  it('the owner signs in with email and password and sees the audit log of it all', async () => {
    const page = await newPage()
    await page.goto(`${base}/dashboard/audit`)
    await page.getByLabel('Email', { exact: true }).fill(owner.email)
    await page.getByLabel('Password', { exact: true }).fill(owner.password)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.getByRole('heading', { name: 'Audit log' }).waitFor()
    const text = (await page.locator('table.audit').textContent()) ?? ''
    expect(text).toContain('setup member')
    expect(text).toContain('invite invitation')
    expect(text).toContain('join member')
    await shot(page, '7-audit')

    // Keys for machines, from the dashboard: the secret once, then the list with who made it.
    await page.getByRole('link', { name: 'Keys' }).click()
    await page.getByLabel('What the key is for').fill('cms')
    await page.getByRole('button', { name: 'Create key' }).click()
    await poll(() => page.getByText('The secret, shown this once').textContent()).toMatch(/umb_[\w-]{43}/)
    await poll(() => page.locator('table').textContent()).toContain(owner.email)
    await shot(page, '8-keys')
  })
})
