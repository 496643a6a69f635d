import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { umbraBeside } from '../../test/support/umbra-cli.ts'
import { signIn, TEST_PASSWORD, uniqueEmail } from '../../test/support/people.ts'
import { startTestApp, type TestApp } from '../../test/support/test-app.ts'

const umbra = (t: TestApp, args: string[], stdin = '') => umbraBeside(t, ['users', ...args], stdin)

let t: TestApp
beforeAll(async () => {
  t = await startTestApp({ ADMIN_API_KEY: '' }, 'embedded')
}, 120_000)
afterAll(() => t.close())

describe('umbra users, while the server runs on the embedded database', () => {
  it('create --password-stdin makes an account the running server signs in at once', async () => {
    const email = uniqueEmail('cli-owner')
    const made = await umbra(
      t,
      ['create', '--email', email, '--role', 'owner', '--password-stdin'],
      `${TEST_PASSWORD}\n`,
    )
    expect(made.err).toBe('')
    expect(made.out).toMatch(new RegExp(`created ${email} \\(owner, id \\d+\\)`))
    expect(await signIn(t.app, email, TEST_PASSWORD)).toMatch(/^umbra_session=/)
    const again = await umbra(t, ['create', '--email', email, '--role', 'viewer'])
    expect([again.status, again.err]).toEqual([1, expect.stringContaining('is a member already')])
  }, 120_000)

  it('create without a password prints a single-use link; reset-password refuses a common password', async () => {
    const email = uniqueEmail('cli-editor')
    const made = await umbra(t, ['create', '--email', email, '--role', 'editor'])
    const url = /set the password here .*: (\S+)/.exec(made.out)?.[1]
    expect(url).toMatch(/^http:\/\/umbra\.test\/dashboard\/password\?token=[\w-]{43}$/)
    const token = new URL(url as string).searchParams.get('token')
    const set = (password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/dashboard/password',
        headers: { 'content-type': 'application/json' },
        payload: { token, password },
      })
    expect((await set(TEST_PASSWORD)).statusCode).toBe(201)
    expect((await set(TEST_PASSWORD)).statusCode).toBe(403) // single use
    const weak = await umbra(t, ['reset-password', '--email', email, '--password-stdin'], 'password123')
    expect([weak.status, weak.err]).toEqual([1, expect.stringContaining('most common passwords')])
    const audit = await t.app.pg.query(
      "select actor_kind, action from audit_log where entity = 'member' and after->>'email' = $1",
      [email],
    )
    expect(audit.rows).toEqual([{ actor_kind: 'cli', action: 'create' }])
  }, 120_000)
})
