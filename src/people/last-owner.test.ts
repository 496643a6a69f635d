import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asPerson, createTestPerson, type TestPerson } from '../../test/support/people.ts'
import { createScratchDatabase, startTestApp, type TestApp } from '../../test/support/test-app.ts'

// A database of its own: other test files make owners in the shared one.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>
let t: TestApp
let owner: TestPerson
beforeAll(async () => {
  scratch = await createScratchDatabase()
  t = await startTestApp(scratch ? { DATABASE_URL: scratch.url } : {}, scratch ? 'postgres' : 'embedded')
  owner = await createTestPerson(t.app, 'owner')
})
afterAll(async () => {
  await t.close()
  await scratch?.drop()
})

describe('the last owner', () => {
  const change = (method: 'PATCH' | 'DELETE', id: string, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1/members/${id}`,
      headers: payload ? asPerson(owner.cookie) : { cookie: owner.cookie },
      payload,
    })

  it('cannot be demoted, suspended or removed until there is another owner', async () => {
    expect((await change('PATCH', owner.person.id, { role: 'admin' })).statusCode).toBe(409)
    expect((await change('PATCH', owner.person.id, { suspended: true })).statusCode).toBe(409)
    expect((await change('DELETE', owner.person.id)).statusCode).toBe(409)
    const { rows } = await t.app.pg.query('select role, suspended_at from people where id = $1', [owner.person.id])
    expect(rows).toEqual([{ role: 'owner', suspended_at: null }])

    const second = await createTestPerson(t.app, 'admin', 'second')
    expect((await change('PATCH', second.person.id, { role: 'owner' })).statusCode).toBe(200)
    expect((await change('PATCH', owner.person.id, { role: 'admin' })).statusCode).toBe(200)
  })
})
