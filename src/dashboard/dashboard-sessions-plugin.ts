import fastifyCookie from '@fastify/cookie'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Problem } from '../infra/problem.ts'
import { createDashboardSessions, type DashboardSessions, type SessionSubject } from './dashboard-sessions.ts'
import { forgeableWriteProblem, sessionCookie, type SessionCookie } from './session-cookie.ts'

export const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000

declare module 'fastify' {
  interface FastifyInstance {
    dashboardSessions: DashboardSessions & { cookie: SessionCookie }
  }
}

/**
 * The dashboard's sessions, registered before the auth plugin so it can accept the session cookie as an
 * alternative to `Authorization: Bearer`. Registers @fastify/cookie (its onRequest hook parses cookies
 * before auth's runs).
 */
export const dashboardSessionsPlugin = fp(
  async (app, { publicUrl, ttlMs = DEFAULT_SESSION_TTL_MS }: { publicUrl: string; ttlMs?: number }) => {
    await app.register(fastifyCookie)
    app.decorate('dashboardSessions', {
      ...createDashboardSessions({ db: app.pg, ttlMs }),
      cookie: sessionCookie(publicUrl),
    })
    // The auth plugin (registered after) takes a session cookie as the key it was opened with.
    app.decorate('sessionKeyOf', sessionKeyOf)
  },
  { name: 'dashboard-sessions', dependencies: ['database'] },
)

/**
 * For the auth plugin (as app.sessionKeyOf): the API key or person behind the request's session cookie; undefined when the request carries
 * no session cookie, null when the session is unknown, signed out or expired (a failed authentication).
 * Throws 403 when a write could have been forged by another site. The caller still checks the key itself
 * (revoked, expired, scopes).
 */
export async function sessionKeyOf(request: FastifyRequest): Promise<SessionSubject | null | undefined> {
  if (!request.server.hasDecorator('dashboardSessions')) return undefined
  const sessions = request.server.dashboardSessions
  const token = request.cookies?.[sessions.cookie.name]
  if (!token) return undefined
  const forged = forgeableWriteProblem(request)
  if (forged) throw Problem.forbidden(forged)
  return sessions.resolve(token)
}
