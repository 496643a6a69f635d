import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { Problem, problemResponses } from '../infra/problem.ts'
import { SessionView, SignIn } from './dashboard-schemas.ts'
import { forgeableWriteProblem } from './session-cookie.ts'

const WEB_ROOT = fileURLToPath(new URL('../../web/dashboard/', import.meta.url))
const UPLOT_DIST = dirname(createRequire(import.meta.url).resolve('uplot'))

// Nothing but our own files: no inline script, no third-party origin, never framed (clickjacking).
const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

// The dashboard is a client of the API's keys: it knows them through the auth plugin's decorators only.
type Principal = NonNullable<FastifyRequest['principal']>
type AuthFailure = Extract<
  Awaited<ReturnType<FastifyInstance['apiKeys']['authenticate']>>,
  { failure: unknown }
>['failure']

const FAILURES: Record<AuthFailure, string> = {
  unknown: 'that API key is not valid',
  expired: 'that API key has expired',
  revoked: 'that API key has been revoked',
}

/**
 * GET /dashboard/… serves the dashboard (plain ES modules, no build step) and uPlot; /dashboard/session
 * signs in with an API key (→ session cookie), says who is signed in, and signs out. Everything else the
 * dashboard shows comes from the public /api/v1 endpoints, authorised by the same cookie.
 */
export type DashboardRoutesOptions = {
  /** Sign-in attempts per client IP per window: signing in is a key-guessing oracle like any bearer call. */
  signInLimit: { max: number; windowMs: number }
}

export const dashboardRoutes: FastifyPluginAsync<DashboardRoutesOptions> = async (app, { signInLimit }) => {
  const sessions = app.dashboardSessions
  const authenticator = app.apiKeys
  // Signing in is guessing keys like a bearer call: the same failed-authentication budget per client.
  // Failed sign-ins count against the client's budget like failed bearer keys (the auth plugin's).
  const failures = app.authFailures
  const { name: cookieName, options: cookieOptions } = sessions.cookie

  await app.register(fastifyStatic, {
    root: WEB_ROOT,
    prefix: '/dashboard/',
    wildcard: false, // files are listed once at start; unknown paths fall through to the page below
    index: false,
    globIgnore: ['**/tsconfig.json'],
    cacheControl: false,
    // no-cache: revalidated (ETag, 304) on every load, so a deploy is seen at once and a reload stays fast.
    setHeaders: (reply: FastifyReply, path: string) => {
      reply.header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff')
      if (path.endsWith('.html')) reply.header('content-security-policy', PAGE_CSP)
    },
  })
  await app.register(fastifyStatic, {
    root: UPLOT_DIST,
    prefix: '/dashboard/vendor/uplot/',
    wildcard: false,
    globIgnore: ['**/*.cjs.js', '**/*.iife*', '**/*.d.ts'],
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply: FastifyReply) => void reply.header('cache-control', 'public, max-age=86400'),
  })

  const sendPage = (reply: FastifyReply) => reply.sendFile('index.html', WEB_ROOT)

  app.get('/dashboard', { schema: { hide: true } }, (_request, reply) => reply.redirect('/dashboard/', 302))
  app.get('/dashboard/', { schema: { hide: true } }, (_request, reply) => sendPage(reply))
  // Client-side routes (/dashboard/links/abc, /dashboard/topics): the same page, which routes itself.
  app.get('/dashboard/*', { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0]
    if (/\.[a-z0-9]+$/i.test(path)) return reply.callNotFound()
    return sendPage(reply)
  })

  const api = app.withTypeProvider<ZodTypeProvider>()
  const guard = async (request: FastifyRequest) => {
    const forged = forgeableWriteProblem(request)
    if (forged) throw Problem.forbidden(forged)
  }
  const noStore = {
    onRequest: guard,
    onSend: async (_req: FastifyRequest, reply: FastifyReply) => void reply.header('cache-control', 'no-store'),
  }

  api.post(
    '/dashboard/session',
    {
      ...noStore,
      config: {
        rateLimit: {
          max: signInLimit.max,
          timeWindow: signInLimit.windowMs,
          keyGenerator: (r: FastifyRequest) => `sign-in:${failures.clientOf(r.ip)}`,
        },
      },
      schema: {
        tags: ['dashboard'],
        summary: 'Sign in to the dashboard with an email and password, or an API key (sets the session cookie)',
        body: SignIn,
        response: { 201: SessionView, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body
      const previous = request.cookies[cookieName]
      if ('email' in body) {
        const person = await app.people.checkPassword(request, body.email, body.password)
        const principal = (await app.personPrincipal(person.id)) as Principal
        if (previous) await sessions.close(previous)
        const opened = await sessions.open({ personId: person.id })
        reply.setCookie(cookieName, opened.token, { ...cookieOptions, expires: opened.expiresAt })
        return reply.code(201).send(sessionView(principal, opened.expiresAt))
      }
      const client = failures.refuseSpent(request)
      const outcome = await authenticator.authenticate(body.key)
      if ('failure' in outcome) {
        failures.count(client)
        throw Problem.unauthorized(FAILURES[outcome.failure])
      }
      const { principal } = outcome
      if (principal.kind === 'publishable')
        throw Problem.forbidden(
          'publishable keys (pk_…) only mint share kits from web pages; sign in with a secret key (umb_…)',
        )
      if (previous) await sessions.close(previous)
      const opened = await sessions.open({ keyId: principal.keyId, keyRef: authenticator.sessionRefOf(body.key) })
      reply.setCookie(cookieName, opened.token, { ...cookieOptions, expires: opened.expiresAt })
      return reply.code(201).send(sessionView(principal, opened.expiresAt))
    },
  )

  api.get(
    '/dashboard/session',
    {
      ...noStore,
      schema: {
        tags: ['dashboard'],
        summary: 'Who is signed in to the dashboard',
        response: { 200: SessionView, ...problemResponses(401, 429) },
      },
    },
    async (request, reply) => {
      const token = request.cookies[cookieName]
      if (!token) throw Problem.unauthorized('not signed in')
      const client = failures.refuseSpent(request)
      const session = await sessions.resolve(token)
      if (!session) {
        failures.count(client)
        throw Problem.unauthorized('not signed in')
      }
      const person = 'personId' in session ? await app.personPrincipal(session.personId) : undefined
      const outcome =
        person !== undefined
          ? person
            ? { principal: person }
            : ({ failure: 'unknown' } as const)
          : await authenticator.authenticateSession((session as { keyRef: Buffer }).keyRef)
      if ('failure' in outcome) {
        failures.count(client)
        await sessions.close(token)
        reply.clearCookie(cookieName, cookieOptions)
        throw Problem.unauthorized(
          person === null ? 'your account was suspended or removed' : `${FAILURES[outcome.failure]}; sign in again`,
        )
      }
      return sessionView(outcome.principal, session.expiresAt)
    },
  )

  api.delete(
    '/dashboard/session',
    {
      ...noStore,
      schema: {
        tags: ['dashboard'],
        summary: 'Sign out of the dashboard',
        response: { 204: z.null(), ...problemResponses(403) },
      },
    },
    async (request, reply) => {
      const token = request.cookies[cookieName]
      if (token) await sessions.close(token)
      reply.clearCookie(cookieName, cookieOptions)
      return reply.code(204).send(null)
    },
  )
}

function sessionView(principal: Principal, expiresAt: Date): z.infer<typeof SessionView> {
  return {
    key: { id: principal.keyId, name: principal.name, kind: principal.kind, scopes: [...principal.scopes] },
    ...(principal.person ? { person: { ...principal.person } } : {}),
    expiresAt: expiresAt.toISOString(),
  }
}
