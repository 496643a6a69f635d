import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, auth, startTestApp, type TestApp } from '../support/test-app.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

const COOKIE = 'umbra_session'
const json = { 'content-type': 'application/json' }

async function signIn(key: string) {
  return t.app.inject({
    method: 'POST',
    url: '/dashboard/session',
    headers: { ...json, 'sec-fetch-site': 'same-origin' },
    payload: { key },
  })
}

/** Signs in and returns the Cookie header the browser would send back. */
async function sessionCookieFor(key: string) {
  const res = await signIn(key)
  expect(res.statusCode).toBe(201)
  const cookie = res.cookies.find((c) => c.name === COOKIE)
  expect(cookie).toBeDefined()
  return { cookie: `${COOKIE}=${cookie!.value}`, token: cookie!.value }
}

async function createKey(body: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: auth, payload: body })
  expect(res.statusCode).toBe(201)
  return res.json() as { id: string; secret: string }
}

describe('dashboard sign-in', () => {
  it('turns a valid key into an httpOnly, SameSite=Strict session cookie and says who is signed in', async () => {
    const res = await signIn(ADMIN_KEY)
    expect(res.statusCode).toBe(201)
    expect(res.headers['cache-control']).toBe('no-store')
    const cookie = res.cookies.find((c) => c.name === COOKIE)!
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' })
    expect(cookie.secure).toBeFalsy() // PUBLIC_URL is http in tests; https is checked below
    expect(res.json()).toMatchObject({ key: { id: 'admin', kind: 'admin', name: 'ADMIN_API_KEY' } })

    const who = await t.app.inject({ url: '/dashboard/session', headers: { cookie: `${COOKIE}=${cookie.value}` } })
    expect(who.statusCode).toBe(200)
    expect(who.json().key.scopes).toContain('links:write')
  })

  it('stores only the sha-256 of the session id, with the key it was made from and an expiry', async () => {
    const { token } = await sessionCookieFor(ADMIN_KEY)
    const idHash = createHash('sha256').update(token).digest()
    const { rows } = await t.app.pg.query(
      'select key_id, key_ref, expires_at from dashboard_sessions where id_hash = $1',
      [idHash],
    )
    expect(rows).toHaveLength(1)
    expect(rows[0].key_id).toBe('admin')
    expect(new Date(rows[0].expires_at).getTime()).toBeGreaterThan(Date.now())
    const raw = await t.app.pg.query(
      `select count(*)::int as n from dashboard_sessions where encode(id_hash, 'escape') like '%' || $1 || '%'`,
      [token],
    )
    expect(raw.rows[0].n).toBe(0)
  })

  it('keeps nothing of ADMIN_API_KEY that a dump could test guesses against', async () => {
    const { token } = await sessionCookieFor(ADMIN_KEY)
    const idHash = createHash('sha256').update(token).digest()
    const { rows } = await t.app.pg.query(`select t::text as row from dashboard_sessions t where id_hash = $1`, [
      idHash,
    ])
    expect(rows).toHaveLength(1)
    // A dump holds the row; an unkeyed digest of a guess must match nothing in it.
    for (const algorithm of ['sha256', 'sha1', 'sha512', 'md5'])
      for (const encoding of ['hex', 'base64'] as const)
        expect(rows[0].row).not.toContain(createHash(algorithm).update(ADMIN_KEY).digest(encoding))
    expect(rows[0].row).not.toContain(ADMIN_KEY)
  })

  it('keeps ADMIN_API_KEY sessions across restarts with the same server secret, and ends them when it changes', async () => {
    const secret = (c: string) => ({ SECRET_KEY: c.repeat(40) })
    const first = await startTestApp(secret('a'))
    let cookie: string
    try {
      const res = await first.app.inject({
        method: 'POST',
        url: '/dashboard/session',
        headers: json,
        payload: { key: ADMIN_KEY },
      })
      expect(res.statusCode).toBe(201)
      cookie = `${COOKIE}=${res.cookies[0].value}`
    } finally {
      await first.close()
    }
    for (const [env, status] of [
      [secret('a'), 200],
      [secret('b'), 401],
    ] as const) {
      const next = await startTestApp(env)
      try {
        expect((await next.app.inject({ url: '/api/v1/links', headers: { cookie } })).statusCode).toBe(status)
        expect((await next.app.inject({ url: '/dashboard/session', headers: { cookie } })).statusCode).toBe(status)
      } finally {
        await next.close()
      }
    }
  })

  it.each([
    { name: 'a made-up key', key: 'not-a-key-at-all', status: 401, detail: 'not valid' },
    { name: 'a well-formed key nobody minted', key: `umb_${'A'.repeat(43)}`, status: 401, detail: 'not valid' },
  ])('refuses $name with $status and sets no cookie', async ({ key, status, detail }) => {
    const res = await signIn(key)
    expect(res.statusCode).toBe(status)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json().detail).toContain(detail)
    expect(res.cookies).toHaveLength(0)
  })

  it('refuses publishable keys: they live in web pages and only mint share kits', async () => {
    const pk = await createKey({ name: 'widget', kind: 'publishable', origins: ['https://blog.example'] })
    const res = await signIn(pk.secret)
    expect(res.statusCode).toBe(403)
    expect(res.json().detail).toContain('publishable')
  })

  it('refuses a sign-in that is not JSON (a cross-site form could send it)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/dashboard/session',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ key: ADMIN_KEY }),
    })
    expect(res.statusCode).toBe(403)
    expect(res.cookies).toHaveLength(0)
  })
})

describe('the session cookie on /api/v1', () => {
  it('authorises the same API calls as the key, within the key’s scopes', async () => {
    const reader = await createKey({ name: 'reader', scopes: ['links:read', 'stats:read'] })
    const { cookie } = await sessionCookieFor(reader.secret)
    expect((await t.app.inject({ url: '/api/v1/links', headers: { cookie } })).statusCode).toBe(200)
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: { cookie, ...json },
      payload: { url: 'https://example.com/' },
    })
    expect(write.statusCode).toBe(403)
    expect(write.json().detail).toContain('links:write')
  })

  it('accepts a same-origin JSON write', async () => {
    const { cookie } = await sessionCookieFor(ADMIN_KEY)
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: { cookie, ...json, 'sec-fetch-site': 'same-origin' },
      payload: { url: 'https://example.com/from-dashboard' },
    })
    expect(res.statusCode).toBe(201)
  })

  it.each([
    {
      name: 'a form post (text/plain)',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ url: 'https://evil.example/' }),
    },
    {
      name: 'a form post (urlencoded)',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'url=https%3A%2F%2Fevil.example%2F',
    },
    {
      name: 'a cross-site fetch',
      headers: { ...json, 'sec-fetch-site': 'cross-site' },
      payload: JSON.stringify({ url: 'https://evil.example/' }),
    },
    {
      name: 'a sibling subdomain',
      headers: { ...json, 'sec-fetch-site': 'same-site' },
      payload: JSON.stringify({ url: 'https://evil.example/' }),
    },
  ])('refuses a write that could be forged cross-site: $name', async ({ headers, payload }) => {
    const { cookie } = await sessionCookieFor(ADMIN_KEY)
    const before = Number((await t.app.pg.query('select count(*) from links')).rows[0].count)
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/links', headers: { cookie, ...headers }, payload })
    expect(res.statusCode).toBe(403)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(Number((await t.app.pg.query('select count(*) from links')).rows[0].count)).toBe(before)
  })

  it('lets Authorization: Bearer win over a cookie', async () => {
    const res = await t.app.inject({
      url: '/api/v1/links',
      headers: { ...auth, cookie: `${COOKIE}=${'x'.repeat(43)}` },
    })
    expect(res.statusCode).toBe(200)
  })

  it('signing out ends the session: the API answers 401 to the old cookie', async () => {
    const { cookie } = await sessionCookieFor(ADMIN_KEY)
    expect((await t.app.inject({ url: '/api/v1/links', headers: { cookie } })).statusCode).toBe(200)
    const out = await t.app.inject({ method: 'DELETE', url: '/dashboard/session', headers: { cookie } })
    expect(out.statusCode).toBe(204)
    expect(out.cookies.find((c) => c.name === COOKIE)?.value).toBe('')
    const after = await t.app.inject({ url: '/api/v1/links', headers: { cookie } })
    expect(after.statusCode).toBe(401)
    expect(after.json().detail).toContain('sign in again')
    expect((await t.app.inject({ url: '/dashboard/session', headers: { cookie } })).statusCode).toBe(401)
  })

  it('revoking the key ends its sessions', async () => {
    const key = await createKey({ name: 'soon revoked', scopes: ['links:read'] })
    const { cookie } = await sessionCookieFor(key.secret)
    expect((await t.app.inject({ url: '/api/v1/links', headers: { cookie } })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${key.id}`, headers: auth })).statusCode).toBe(
      204,
    )
    const after = await t.app.inject({ url: '/api/v1/links', headers: { cookie } })
    expect(after.statusCode).toBe(401)
    expect(after.json().detail).toContain('revoked')
    expect((await t.app.inject({ url: '/dashboard/session', headers: { cookie } })).statusCode).toBe(401)
  })

  it('an expired session is refused', async () => {
    const { cookie, token } = await sessionCookieFor(ADMIN_KEY)
    await t.app.pg.query(`update dashboard_sessions set expires_at = now() - interval '1 second' where id_hash = $1`, [
      createHash('sha256').update(token).digest(),
    ])
    expect((await t.app.inject({ url: '/api/v1/links', headers: { cookie } })).statusCode).toBe(401)
  })

  it('without a cookie or a key the API still asks for a bearer key', async () => {
    const res = await t.app.inject({ url: '/api/v1/links' })
    expect(res.statusCode).toBe(401)
    expect(res.json().detail).toContain('Authorization')
  })
})

describe('sign-in attempts', () => {
  it('are limited per client IP (RATE_LIMIT_MISSES per window), with a 429 problem', async () => {
    const limited = await startTestApp({ RATE_LIMIT_MISSES: '3' })
    try {
      const attempt = () =>
        limited.app.inject({
          method: 'POST',
          url: '/dashboard/session',
          headers: json,
          payload: { key: 'guess-guess-guess' },
        })
      for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401)
      const refused = await attempt()
      expect(refused.statusCode).toBe(429)
      expect(refused.headers['retry-after']).toBeDefined()
      expect(refused.headers['content-type']).toContain('application/problem+json')
    } finally {
      await limited.close()
    }
  })

  describe('share the failed-authentication budget with bearer keys and session cookies', () => {
    let limited: TestApp
    beforeAll(async () => {
      limited = await startTestApp({ RATE_LIMIT_MISSES: '3' })
    })
    afterAll(() => limited.close())

    const signInFrom = (key: string, ip: string) =>
      limited.app.inject({
        method: 'POST',
        url: '/dashboard/session',
        headers: json,
        payload: { key },
        remoteAddress: ip,
      })
    const bearerFrom = (key: string, ip: string) =>
      limited.app.inject({ url: '/api/v1/links', headers: { authorization: `Bearer ${key}` }, remoteAddress: ip })
    const expect429 = (res: Awaited<ReturnType<typeof signInFrom>>) => {
      expect(res.statusCode).toBe(429)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(res.cookies).toHaveLength(0)
    }

    it('after wrong bearer keys, signing in with the right key gets 429 and no cookie', async () => {
      for (let i = 0; i < 3; i++) expect((await bearerFrom(`umb_${'C'.repeat(43)}`, '192.0.2.81')).statusCode).toBe(401)
      expect429(await signInFrom(ADMIN_KEY, '192.0.2.81'))
      expect((await signInFrom(ADMIN_KEY, '192.0.2.82')).statusCode).toBe(201)
    })

    it('after wrong sign-ins, the right bearer key gets 429', async () => {
      expect((await signInFrom('wrong-guess-1', '192.0.2.83')).statusCode).toBe(401)
      expect((await signInFrom('wrong-guess-2', '192.0.2.83')).statusCode).toBe(401)
      expect(
        (
          await limited.app.inject({
            url: '/dashboard/session',
            headers: { cookie: `${COOKIE}=${'z'.repeat(43)}` },
            remoteAddress: '192.0.2.83',
          })
        ).statusCode,
      ).toBe(401)
      const refused = await bearerFrom(ADMIN_KEY, '192.0.2.83')
      expect(refused.statusCode).toBe(429)
      expect(refused.json().detail).toContain('too many invalid')
    })

    it('count a whole IPv6 /64 as one client, as every other limit does', async () => {
      for (let i = 1; i <= 3; i++)
        expect((await signInFrom(`wrong-guess-${i}`, `2001:db8:81:1::${i}`)).statusCode).toBe(401)
      expect429(await signInFrom(ADMIN_KEY, '2001:db8:81:1:aaaa::1'))
      expect((await signInFrom(ADMIN_KEY, '2001:db8:81:2::1')).statusCode).toBe(201)
    })
  })
})

describe('dashboard over https', () => {
  it('marks the cookie Secure and binds it to the host with the __Host- prefix', async () => {
    const https = await startTestApp({ PUBLIC_URL: 'https://go.example' })
    try {
      const res = await https.app.inject({
        method: 'POST',
        url: '/dashboard/session',
        headers: json,
        payload: { key: ADMIN_KEY },
      })
      expect(res.statusCode).toBe(201)
      expect(res.cookies[0]).toMatchObject({
        name: '__Host-umbra_session',
        secure: true,
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
      })
    } finally {
      await https.close()
    }
  })
})

describe('dashboard pages', () => {
  it('serves the page for its own routes with a strict CSP, and its modules and uPlot', async () => {
    expect((await t.app.inject({ url: '/dashboard' })).headers.location).toBe('/dashboard/')
    for (const url of ['/dashboard/', '/dashboard/links/abc', '/dashboard/topics']) {
      const res = await t.app.inject({ url })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toContain('text/html')
      expect(res.headers['content-security-policy']).toContain("script-src 'self'")
      expect(res.body).toContain('/dashboard/app.js')
    }
    expect((await t.app.inject({ url: '/dashboard/app.js' })).headers['content-type']).toContain('javascript')
    expect((await t.app.inject({ url: '/dashboard/vendor/uplot/uPlot.esm.js' })).statusCode).toBe(200)
    expect((await t.app.inject({ url: '/dashboard/vendor/uplot/uPlot.cjs.js' })).statusCode).toBe(404)
    expect((await t.app.inject({ url: '/dashboard/missing.js' })).statusCode).toBe(404)
  })
})
