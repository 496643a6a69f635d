import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asPerson, createTestPerson, signIn, TEST_PASSWORD, uniqueEmail } from '../../test/support/people.ts'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_MISSES: '1000' })
})
afterAll(() => t.close())

const invite = async (email: string, role = 'viewer') => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/members/invitations',
    headers: auth,
    payload: { email, role },
  })
  expect(res.statusCode).toBe(201)
  return res.json() as { id: string; url: string }
}
const tokenOf = (url: string) => new URL(url).searchParams.get('token') as string
const json = { 'content-type': 'application/json' }

describe('single-use links', () => {
  it('are kept only as sha-256, work once, and not after they expire', async () => {
    const first = await invite(uniqueEmail('hashed'))
    const token = tokenOf(first.url)
    const stored = await t.app.pg.query('select token_hash from people_tokens where id = $1', [first.id])
    expect(stored.rows[0].token_hash).toHaveLength(32)
    const dump = await t.app.pg.query(
      "select count(*)::int as n from people_tokens where encode(token_hash, 'escape') like '%' || $1 || '%'",
      [token.slice(0, 20)],
    )
    expect(dump.rows[0].n).toBe(0)

    const second = await invite(uniqueEmail('expired'))
    await t.app.pg.query("update people_tokens set expires_at = now() - interval '1 second' where id = $1", [second.id])
    const accept = (url: string) =>
      t.app.inject({
        method: 'POST',
        url: '/dashboard/invitation',
        headers: json,
        payload: { token: tokenOf(url), password: TEST_PASSWORD },
      })
    const expired = await accept(second.url)
    expect(expired.statusCode).toBe(403)
    expect((await accept(first.url)).statusCode).toBe(201)
    const again = await accept(first.url)
    expect([again.statusCode, again.json().detail]).toEqual([403, expired.json().detail])
  })
})

describe('my profile', () => {
  it('a password change needs the current one and ends my other sessions, not this one', async () => {
    const me = await createTestPerson(t.app, 'editor')
    const elsewhere = await signIn(t.app, me.email, TEST_PASSWORD)
    const change = (currentPassword: string) =>
      t.app.inject({
        method: 'PUT',
        url: '/dashboard/profile/password',
        headers: asPerson(me.cookie),
        payload: { currentPassword, newPassword: 'lantern-orchard-quiet-9' },
      })
    const wrong = await change('not-my-password-at-all')
    expect([wrong.statusCode, wrong.json().errors[0].field]).toEqual([400, 'currentPassword'])
    expect((await change(TEST_PASSWORD)).statusCode).toBe(204)
    const reads = (cookie: string) => t.app.inject({ url: '/api/v1/links', headers: { cookie } })
    expect((await reads(me.cookie)).statusCode).toBe(200)
    expect((await reads(elsewhere)).statusCode).toBe(401)
    await expect(signIn(t.app, me.email, TEST_PASSWORD)).rejects.toThrow(/401/)
    expect(await signIn(t.app, me.email, 'lantern-orchard-quiet-9')).toMatch(/^umbra_session=/)
  })

  it('sign out everywhere ends every session; another site cannot make my browser do it', async () => {
    const me = await createTestPerson(t.app, 'viewer')
    const other = await signIn(t.app, me.email, TEST_PASSWORD)
    const forged = await t.app.inject({
      method: 'DELETE',
      url: '/dashboard/profile/sessions',
      headers: { cookie: me.cookie, 'sec-fetch-site': 'cross-site' },
    })
    expect(forged.statusCode).toBe(403)
    const listed = await t.app.inject({ url: '/dashboard/profile', headers: { cookie: me.cookie } })
    expect(
      listed
        .json()
        .sessions.map((s: { current: boolean }) => s.current)
        .sort(),
    ).toEqual([false, true])
    expect(
      (await t.app.inject({ method: 'DELETE', url: '/dashboard/profile/sessions', headers: { cookie: me.cookie } }))
        .statusCode,
    ).toBe(204)
    for (const cookie of [me.cookie, other])
      expect((await t.app.inject({ url: '/api/v1/links', headers: { cookie } })).statusCode).toBe(401)
  })

  it('a form post from another page cannot sign in or accept an invitation (JSON only)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/dashboard/session',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      payload: 'email=a%40b.example&password=x',
    })
    expect(res.statusCode).toBe(403)
  })
})
