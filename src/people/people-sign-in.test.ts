import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'
import { asPerson, createTestPerson, TEST_PASSWORD } from '../../test/support/people.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_MISSES: '1000', SIGN_IN_FAILURES_PER_ACCOUNT: '10' })
})
afterAll(() => t.close())

const signInAs = (email: string, password: string, remoteAddress = '203.0.113.7') =>
  t.app.inject({
    method: 'POST',
    url: '/dashboard/session',
    headers: { 'content-type': 'application/json' },
    payload: { email, password },
    remoteAddress,
  })

describe('people sign in with email and password', () => {
  it('opens a session that stands for their role: a viewer reads links, cannot write them', async () => {
    const viewer = await createTestPerson(t.app, 'viewer')
    const session = await t.app.inject({ url: '/dashboard/session', headers: { cookie: viewer.cookie } })
    expect(session.statusCode).toBe(200)
    expect(session.json()).toMatchObject({
      key: { kind: 'person', scopes: ['links:read', 'stats:read'] },
      person: { email: viewer.email, role: 'viewer' },
    })
    expect((await t.app.inject({ url: '/api/v1/links', headers: { cookie: viewer.cookie } })).statusCode).toBe(200)
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: asPerson(viewer.cookie),
      payload: { url: 'https://example.com/viewer' },
    })
    expect(write.statusCode).toBe(403)
    expect(write.json().detail).toBe('your role (viewer) does not allow this (links:write)')
  })

  it('answers an unknown email exactly as a wrong password (no account enumeration)', async () => {
    const editor = await createTestPerson(t.app, 'editor')
    const wrong = await signInAs(editor.email, 'not-the-password-at-all', '203.0.113.8')
    const unknown = await signInAs('nobody.here@people.example', TEST_PASSWORD, '203.0.113.8')
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401])
    expect(wrong.json().detail).toBe(unknown.json().detail)
    expect(wrong.cookies).toEqual([])
  })

  it('after 10 failures on an account, every attempt on it gets 429 with Retry-After, the right password too', async () => {
    const editor = await createTestPerson(t.app, 'editor')
    for (let i = 0; i < 10; i++) {
      // from different addresses: the per-account budget, not the per-client one
      expect((await signInAs(editor.email, `wrong-password-${i}`, `198.51.100.${i + 1}`)).statusCode).toBe(401)
    }
    const right = await signInAs(editor.email, TEST_PASSWORD, '198.51.100.200')
    expect(right.statusCode).toBe(429)
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0)
    expect(right.headers['content-type']).toMatch(/^application\/problem\+json/)
  })

  it('suspending or removing a member ends their sessions at once', async () => {
    const editor = await createTestPerson(t.app, 'editor')
    const other = await createTestPerson(t.app, 'viewer')
    const reads = (cookie: string) => t.app.inject({ url: '/api/v1/links', headers: { cookie } })
    expect((await reads(editor.cookie)).statusCode).toBe(200)
    const suspend = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/members/${editor.person.id}`,
      headers: auth,
      payload: { suspended: true },
    })
    expect(suspend.statusCode).toBe(200)
    expect(suspend.json().status).toBe('suspended')
    expect((await reads(editor.cookie)).statusCode).toBe(401)
    expect((await signInAs(editor.email, TEST_PASSWORD, '203.0.113.9')).statusCode).toBe(403)

    expect((await reads(other.cookie)).statusCode).toBe(200)
    const remove = await t.app.inject({ method: 'DELETE', url: `/api/v1/members/${other.person.id}`, headers: auth })
    expect(remove.statusCode).toBe(204)
    expect((await reads(other.cookie)).statusCode).toBe(401)
    const audit = await t.app.pg.query(
      "select action, before from audit_log where entity = 'member' and entity_id = $1 order by id",
      [other.person.id],
    )
    expect(audit.rows).toEqual([{ action: 'remove', before: { email: other.email, role: 'viewer' } }])
  })

  it('a person never mints a key stronger than their role; the key says who made it', async () => {
    const admin = await createTestPerson(t.app, 'admin')
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/keys',
      headers: asPerson(admin.cookie),
      payload: { name: 'cms', scopes: ['links:write'] },
    })
    expect(made.statusCode).toBe(201)
    expect(made.json().createdBy).toBe(admin.email)
    const editor = await createTestPerson(t.app, 'editor')
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/keys',
      headers: asPerson(editor.cookie),
      payload: { name: 'cms', scopes: ['links:write'] },
    })
    expect(refused.statusCode).toBe(403)
  })
})
