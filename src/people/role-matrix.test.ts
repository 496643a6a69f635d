import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asPerson, createTestPerson, type TestPerson } from '../../test/support/people.ts'
import { startTestApp, type TestApp } from '../../test/support/test-app.ts'
import { ROLE_SCOPES, ROLES, type Role } from './roles.ts'

/**
 * Every route × every role, signed in with a dashboard session: a route that needs a scope is refused (403)
 * exactly when the role lacks it, and a signed-out browser gets 401. Requests carry junk (unknown ids, empty
 * bodies): past the check they answer 400 or 404, which is "allowed" here and changes nothing.
 */
let t: TestApp
const people = {} as Record<Role, TestPerson>
beforeAll(async () => {
  t = await startTestApp({
    RATE_LIMIT_API_READS: '100000',
    RATE_LIMIT_API_WRITES: '100000',
    RATE_LIMIT_MISSES: '100000',
  })
  for (const role of ROLES) people[role] = await createTestPerson(t.app, role, `matrix-${role}`)
})
afterAll(() => t.close())

const JUNK_PARAMS: Record<string, string> = { id: '999999999', code: 'no-such-code-xyz', entity: 'link' }
const concrete = (url: string) => url.replace(/:(\w+)/g, (_, name: string) => JUNK_PARAMS[name] ?? 'x')
// Routes a page tag uses with a publishable key only; and CORS preflights.
const SKIP = new Set(['POST /api/v1/beacons'])

describe('route × role', () => {
  it('allows each scoped API route to exactly the roles whose scopes include it; signed out gets 401', async () => {
    const routes = t.app.routeScopes.filter((r) => r.scope && r.method !== 'HEAD' && !SKIP.has(`${r.method} ${r.url}`))
    expect(routes.length).toBeGreaterThan(20)
    const failures: string[] = []
    for (const route of routes) {
      const request: InjectOptions = {
        method: route.method as InjectOptions['method'],
        url: concrete(route.url),
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
      }
      for (const role of ROLES) {
        const res = await t.app.inject({ ...request, headers: asPerson(people[role].cookie) })
        const allowed = ROLE_SCOPES[role].includes(route.scope!)
        const refused = res.statusCode === 401 || res.statusCode === 403
        if (allowed === refused || (!allowed && res.statusCode !== 403) || res.statusCode >= 500)
          failures.push(`${route.method} ${route.url} as ${role}: ${res.statusCode} ${res.body.slice(0, 120)}`)
      }
      const anonymous = await t.app.inject({ ...request, headers: { 'content-type': 'application/json' } })
      if (anonymous.statusCode !== 401)
        failures.push(`${route.method} ${route.url} signed out: ${anonymous.statusCode}`)
    }
    expect(failures).toEqual([])
  })

  it('the profile routes answer every role for themselves, and 401 signed out', async () => {
    for (const role of ROLES) {
      const me = await t.app.inject({ url: '/dashboard/profile', headers: { cookie: people[role].cookie } })
      expect([role, me.statusCode, me.json().person.role]).toEqual([role, 200, role])
    }
    expect((await t.app.inject({ url: '/dashboard/profile' })).statusCode).toBe(401)
  })

  it('admins manage members but not owners; nobody below admin manages anyone', async () => {
    const patch = (by: Role, target: string, body: object) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/v1/members/${target}`,
        headers: asPerson(people[by].cookie),
        payload: body,
      })
    expect((await patch('admin', people.owner.person.id, { role: 'viewer' })).statusCode).toBe(403)
    expect((await patch('admin', people.viewer.person.id, { role: 'owner' })).statusCode).toBe(403)
    expect((await patch('editor', people.viewer.person.id, { role: 'editor' })).statusCode).toBe(403)
    const promoted = await patch('admin', people.viewer.person.id, { role: 'editor' })
    expect([promoted.statusCode, promoted.json().role]).toEqual([200, 'editor'])
    const invite = await t.app.inject({
      method: 'POST',
      url: '/api/v1/members/invitations',
      headers: asPerson(people.admin.cookie),
      payload: { email: 'would-be-owner@people.example', role: 'owner' },
    })
    expect(invite.statusCode).toBe(403)
  })
})
