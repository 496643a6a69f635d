import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { hashPassword } from '../../src/people/passwords.ts'
import { insertPerson, type PersonRow } from '../../src/people/people-repository.ts'
import type { Role } from '../../src/people/roles.ts'

export const TEST_PASSWORD = 'violet-harbour-lamp-42'

export type TestPerson = { person: PersonRow; email: string; password: string; cookie: string }

/** A unique email: test files share one database. */
export const uniqueEmail = (label: string) => `${label}.${randomBytes(5).toString('hex')}@people.example`

/** Makes a person straight in the database and signs them in through POST /dashboard/session. */
export async function createTestPerson(app: FastifyInstance, role: Role, label: string = role): Promise<TestPerson> {
  const email = uniqueEmail(label)
  const person = (await insertPerson(app.pg, { email, role, passwordHash: await hashPassword(TEST_PASSWORD) }))!
  return { person, email, password: TEST_PASSWORD, cookie: await signIn(app, email, TEST_PASSWORD) }
}

/** The session cookie (name=value) from signing in with email and password; throws on any other answer. */
export async function signIn(app: FastifyInstance, email: string, password: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/dashboard/session',
    headers: { 'content-type': 'application/json' },
    payload: { email, password },
  })
  if (res.statusCode !== 201) throw new Error(`sign-in of ${email}: ${res.statusCode} ${res.body}`)
  const cookie = res.cookies.find((c) => c.name.endsWith('umbra_session'))!
  return `${cookie.name}=${cookie.value}`
}

/** Headers for a JSON write with a session cookie, as the dashboard sends it. */
export const asPerson = (cookie: string) => ({ cookie, 'content-type': 'application/json' })
