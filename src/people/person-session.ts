import type { FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { Problem } from '../infra/problem.ts'
import { findPersonById, type PersonRow } from './people-repository.ts'
import type { PersonView, SignedIn } from './people-schemas.ts'

export function toPersonView(p: PersonRow): z.infer<typeof PersonView> {
  return {
    id: p.id,
    email: p.email,
    name: p.name,
    role: p.role,
    status: p.suspended_at ? 'suspended' : p.password_hash || p.oidc_subject ? 'active' : 'pending',
    sso: p.oidc_subject !== null,
    createdAt: p.created_at.toISOString(),
  }
}

/** Opens a session for a person (ending the browser's previous one) and sets the cookie. */
export async function signInAs(
  request: FastifyRequest,
  reply: FastifyReply,
  person: PersonRow,
): Promise<z.infer<typeof SignedIn>> {
  const sessions = request.server.dashboardSessions
  const { name, options } = sessions.cookie
  const previous = request.cookies[name]
  if (previous) await sessions.close(previous)
  const opened = await sessions.open({ personId: person.id })
  reply.setCookie(name, opened.token, { ...options, expires: opened.expiresAt })
  return { person: toPersonView(person), expiresAt: opened.expiresAt.toISOString() }
}

/** The person signed in with the request's session cookie (never an API key): 401 otherwise. */
export async function signedInPerson(request: FastifyRequest): Promise<{ person: PersonRow; token: string }> {
  const sessions = request.server.dashboardSessions
  const token = request.cookies[sessions.cookie.name]
  const session = token ? await sessions.resolve(token) : null
  if (!token || !session) throw Problem.unauthorized('not signed in')
  if (!('personId' in session)) throw Problem.forbidden('signed in with an API key: this page is for people')
  const person = await findPersonById(request.server.pg, session.personId)
  if (!person || person.suspended_at) throw Problem.unauthorized('your account was suspended or removed')
  return { person, token }
}
