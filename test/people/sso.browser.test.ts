import { mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import { createServer } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '../support/chromium.ts'
import { createScratchDatabase, testConfig } from '../support/test-app.ts'

/**
 * Single sign-on through the real redirect dance: a real OpenID Connect provider (oidc-provider, its
 * development login and consent pages) on localhost, Umbra on 127.0.0.1, Chromium clicking through both.
 */
const SHOTS = 'test-output/people'
const hasChromium = chromiumAvailable('single sign-on')

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

describe.skipIf(!hasChromium)('single sign-on with OpenID Connect, in Chromium', () => {
  let app: Awaited<ReturnType<typeof buildApp>>
  let idp: Server
  let browser: Browser
  let base: string
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    const [appPort, idpPort] = [await freePort(), await freePort()]
    base = `http://127.0.0.1:${appPort}`
    const issuer = `http://localhost:${idpPort}`
    // @ts-expect-error oidc-provider ships no types (a devDependency, for this test only)
    const { default: Provider } = await import('oidc-provider')
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'umbra',
          client_secret: 'umbra-test-client-secret-0123456789',
          redirect_uris: [`${base}/dashboard/sso/callback`],
        },
      ],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
      cookies: { keys: ['umbra-sso-test-cookie-key'] },
      // The login typed on the provider's page is the account: "lead" is in the marketing-leads group.
      findAccount: async (_ctx: unknown, sub: string) => ({
        accountId: sub,
        claims: async () => ({
          sub,
          email: sub.includes('@') ? sub : `${sub}@corp.example`,
          email_verified: true,
          name: `Person ${sub}`,
          groups: sub === 'lead' ? ['marketing-leads'] : ['staff'],
        }),
      }),
    })
    idp = provider.listen(idpPort) as Server
    scratch = await createScratchDatabase()
    app = await buildApp(
      testConfig(
        {
          PORT: String(appPort),
          PUBLIC_URL: base,
          OIDC_ISSUER: issuer,
          OIDC_CLIENT_ID: 'umbra',
          OIDC_CLIENT_SECRET: 'umbra-test-client-secret-0123456789',
          OIDC_ALLOWED_DOMAINS: 'corp.example',
          OIDC_GROUP_ROLES: 'marketing-leads=admin',
          OIDC_DEFAULT_ROLE: 'viewer',
          ...(scratch ? { DATABASE_URL: scratch.url } : {}),
        },
        scratch ? 'postgres' : 'embedded',
      ),
    )
    await app.listen({ host: '127.0.0.1', port: appPort })
    const { chromium } = await import('playwright-core')
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await new Promise((resolve) => idp?.close(resolve))
    await scratch?.drop()
  })

  async function signInThroughProvider(login: string): Promise<Page> {
    const page = await (await browser.newContext({ locale: 'en-US' })).newPage()
    page.setDefaultTimeout(10_000)
    await page.goto(`${base}/dashboard/`)
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click()
    await page.locator('input[name="login"]').fill(login)
    await page.locator('input[name="password"]').fill('anything')
    await page.getByRole('button', { name: 'Sign-in' }).click()
    await page.getByRole('button', { name: 'Continue' }).click()
    return page
  }

  it('a person of the marketing-leads group comes back signed in as an admin, a member from then on', async () => {
    const page = await signInThroughProvider('lead')
    await page.getByRole('heading', { name: 'Links & kits' }).waitFor()
    await expect.poll(() => page.locator('#who').textContent()).toBe('lead@corp.example · admin')
    await page.screenshot({ path: `${SHOTS}/8-sso-signed-in.png`, fullPage: true })
    const again = await signInThroughProvider('lead')
    await again.getByRole('heading', { name: 'Links & kits' }).waitFor()
    const { rows } = await app.pg.query("select role, oidc_subject from people where email = 'lead@corp.example'")
    expect(rows).toEqual([{ role: 'admin', oidc_subject: expect.stringMatching(/^http:\/\/localhost:\d+\|lead$/) }])
  })

  it('others get the default role; an email outside the allowed domains is refused, nothing made', async () => {
    const viewer = await signInThroughProvider('sam')
    await expect.poll(() => viewer.locator('#who').textContent()).toBe('sam@corp.example · viewer')
    const outsider = await signInThroughProvider('mallory@elsewhere.example')
    await outsider.getByRole('heading', { name: 'Sign in to Umbra' }).waitFor()
    await expect
      .poll(() => outsider.locator('#person-error').textContent())
      .toContain('elsewhere.example may not sign in')
    await outsider.screenshot({ path: `${SHOTS}/9-sso-refused.png`, fullPage: true })
    const { rows } = await app.pg.query("select count(*)::int as n from people where email like '%elsewhere%'")
    expect(rows[0].n).toBe(0)
  })
})
