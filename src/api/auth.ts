import type {
  FastifyInstance,
  FastifyRequest,
  onRequestAsyncHookHandler,
  onResponseAsyncHookHandler,
  RouteOptions,
} from 'fastify'
import fp from 'fastify-plugin'
import { Problem } from '../infra/problem.ts'
import { countUsableApiKeys } from './api-key-repository.ts'
import { tooManyProblem, type FailureLimiter } from './failure-limiter.ts'
import { createKeyAuthenticator, type AuthFailure, type KeyAuthenticator } from './key-authenticator.ts'
import { createKeyUsageRecorder } from './key-usage.ts'
import type { Principal, Scope } from './principal.ts'
import { clientKey } from './rate-limits.ts'

export { SCOPES, type Principal, type Scope } from './principal.ts'

/** A route as the auth plugin saw it: what the scope matrix test enumerates. */
export type ScopedRoute = { method: string; url: string; scope: Scope | undefined }

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route requires; routes without one are public. */
    scope?: Scope
    /** The route also takes a publishable key as `?key=pk_…` (beacons cannot set headers); never a session. */
    publishableKeyInQuery?: boolean
    /** A route of the page tag (the widget's kit, beacons): the only ones a publishable key reaches, whatever its row says. */
    widget?: boolean
  }
  interface FastifyRequest {
    principal: Principal | null
  }
  interface FastifyInstance {
    /**
     * Decorated by a plugin whose credential stands for an API key (the dashboard's session cookie): the
     * reference of the key behind the request's credential (KeyAuthenticator.sessionRefOf); undefined when
     * the request carries none, null when it names no live session (a failed authentication).
     */
    sessionKeyOf: (request: FastifyRequest) => Promise<{ keyRef: Buffer } | { personId: string } | null | undefined>
    /**
     * Decorated by the people plugin: the principal of a person's session (their role's scopes), or null when the
     * person is gone or suspended. Read on every request, so a removal or suspension ends their sessions at once.
     */
    personPrincipal: (personId: string) => Promise<Principal | null>
    apiKeys: KeyAuthenticator
    /** Notes that a key made a request that succeeded (for a fast path, which has no onResponse hook). */
    noteKeyUse: (keyId: string) => void
    /** Failed authentications per client, for routes that authenticate on their own (the dashboard's sign-in). */
    authFailures: {
      /** The key a client's failures are counted by (its address, IPv6 by /64). */
      clientOf(ip: string): string
      /** 429 if the client has spent its budget (before any lookup); else its key. */
      refuseSpent(request: FastifyRequest): string
      count(client: string): void
    }
    /** Every route registered after the auth plugin, with the scope it requires. */
    routeScopes: readonly ScopedRoute[]
  }
}

// People sign in with accounts (the first-run setup link); keys are for machines, so their absence is only news.
export const FIRST_KEY_HINT =
  "no API key exists yet (people sign in with accounts; keys are for machines): make one on the dashboard's Keys page or with ./bin/umbra keys create --scope links:read,links:write,stats:read,shares:write --name cms"

const FAILURE_DETAIL: Record<AuthFailure | 'session', string> = {
  unknown: 'the API key is not valid',
  expired: 'the API key has expired',
  revoked: 'the API key has been revoked',
  session: 'the dashboard session has expired or was signed out; sign in again',
}

export const TOO_MANY_FAILURES = 'too many invalid API keys or sessions from your address'

/**
 * Before any key or session lookup: refuses (429) a client that has spent its failed-authentication
 * budget, whatever it sends, so a right guess is no more visible than a wrong one. Returns the client's key.
 */
export function refuseSpentClient(failures: FailureLimiter | null, request: FastifyRequest): string {
  const client = clientKey(request.ip)
  const refusal = failures?.refusal(client)
  if (refusal) throw tooManyProblem(refusal, TOO_MANY_FAILURES)
  return client
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization
  if (!header) throw Problem.unauthorized('send Authorization: Bearer <api key>')
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (!match) throw Problem.unauthorized('the Authorization header must be "Bearer <api key>"')
  return match[1]
}

/** `?key=pk_…`: only a publishable key may travel in a URL (it is in the page's source anyway). */
function publishableKeyInQuery(request: FastifyRequest): string {
  const key = (request.query as { key?: unknown } | undefined)?.key
  if (typeof key !== 'string' || key === '')
    throw Problem.unauthorized('send the publishable key as ?key=pk_… (or Authorization: Bearer)')
  if (!key.startsWith('pk_')) throw Problem.unauthorized('only a publishable key (pk_…) may be sent in the URL')
  return key
}

async function personOutcome(server: FastifyInstance, personId: string) {
  const principal = server.hasDecorator('personPrincipal') ? await server.personPrincipal(personId) : null
  return principal ? { principal } : ({ failure: 'session' } as const)
}

const withHookFirst = (hooks: RouteOptions['onRequest'], hook: onRequestAsyncHookHandler) =>
  [hook, ...(hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks])] as RouteOptions['onRequest']

export type AuthPluginOptions = {
  adminApiKey: string | undefined
  /** The server secret: dashboard sessions of ADMIN_API_KEY keep an HMAC of it under this (key-authenticator.ts). */
  serverSecret: Buffer
  cacheTtlMs: number
  cacheSize: number
  usageFlushMs: number
}

/**
 * Checks the bearer key of every route that declares a scope, before its body is even parsed. The
 * check is attached to those routes only, so public routes (the redirect) pay nothing for it.
 */
export const authPlugin = fp(
  async (app, opts: AuthPluginOptions) => {
    const keys = createKeyAuthenticator({ db: app.pg, ...opts })
    const usage = createKeyUsageRecorder({ db: app.pg, flushMs: opts.usageFlushMs, log: app.log })
    app.addHook('onClose', () => usage.close())
    const routes: ScopedRoute[] = []
    app.decorate('apiKeys', keys)
    app.decorate('routeScopes', routes)
    app.decorate('noteKeyUse', usage.used)
    app.decorateRequest('principal', null)

    // Failed authentications per client (rate-limits plugin, registered after this one).
    let failures: FailureLimiter | null = null
    app.addHook('onReady', async () => {
      failures = app.hasDecorator('failedAuth') ? app.failedAuth : null
    })
    app.decorate('authFailures', {
      clientOf: clientKey,
      refuseSpent: (request: FastifyRequest) => refuseSpentClient(failures, request),
      count: (client: string) => failures?.count(client),
    })

    const authenticate: onRequestAsyncHookHandler = async (request) => {
      const scope = request.routeOptions.config.scope as Scope
      const client = refuseSpentClient(failures, request)
      const inQuery = request.routeOptions.config.publishableKeyInQuery === true
      // Authorization: Bearer wins; without it, a dashboard session cookie stands for the key it was made from
      // (never on a route that takes ?key=: a page's beacon must not act as a signed-in dashboard user).
      const server = request.server
      const session =
        request.headers.authorization || inQuery || !server.hasDecorator('sessionKeyOf')
          ? undefined
          : await server.sessionKeyOf(request)
      const token = inQuery && !request.headers.authorization ? publishableKeyInQuery(request) : null
      const outcome =
        session === undefined
          ? await keys.authenticate(token ?? bearerToken(request))
          : session === null
            ? ({ failure: 'session' } as const)
            : 'personId' in session
              ? await personOutcome(server, session.personId)
              : await keys.authenticateSession(session.keyRef)
      if ('failure' in outcome) {
        // A wrong key or session is a guess: once the client's budget is spent, everything it sends gets 429.
        failures?.count(client)
        throw Problem.unauthorized(FAILURE_DETAIL[outcome.failure])
      }
      const principal = outcome.principal
      // Publishable keys are readable in page source: they reach the widget's route and its policy only.
      if (principal.kind === 'publishable' && !request.routeOptions.config.widget)
        throw Problem.forbidden(
          'a publishable key can only call the share widget routes (POST /api/v1/widget/kit, POST /api/v1/beacons)',
        )
      if (!principal.scopes.includes(scope))
        throw Problem.forbidden(
          principal.person
            ? `your role (${principal.person.role}) does not allow this (${scope})`
            : `this key lacks the ${scope} scope`,
        )
      request.principal = principal
    }

    // A key is used when a request it made succeeded: one refused as bad input leaves no trace, not even here.
    const noteUse: onResponseAsyncHookHandler = async (request, reply) => {
      const principal = request.principal
      if (principal && (principal.kind === 'secret' || principal.kind === 'publishable') && reply.statusCode < 400)
        usage.used(principal.keyId)
    }

    app.addHook('onRoute', (route) => {
      const scope = route.config?.scope
      for (const method of [route.method].flat()) routes.push({ method, url: route.url, scope })
      if (scope) {
        route.onRequest = withHookFirst(route.onRequest, authenticate)
        route.onResponse = [noteUse, ...(route.onResponse === undefined ? [] : [route.onResponse].flat())]
      }
    })

    app.addHook('onReady', async () => {
      if (!opts.adminApiKey && (await countUsableApiKeys(app.pg)) === 0) app.log.info(FIRST_KEY_HINT)
    })
  },
  { name: 'auth', dependencies: ['database'] },
)
