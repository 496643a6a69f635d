import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Problem } from '../infra/problem.ts'

export const SCOPES = ['links:read', 'links:write', 'stats:read', 'shares:write', 'keys:admin'] as const
export type Scope = (typeof SCOPES)[number]

/**
 * Who is calling. `publishable` keys (pk_…) live in web pages: they can only mint share kits, for
 * URLs on their allowed origins, from pages on those origins.
 */
export type Principal = {
  keyId: string
  name: string
  kind: 'admin' | 'secret' | 'publishable'
  scopes: readonly Scope[]
  /** Allowed origins (https://www.example.com) of a publishable key; empty for the others. */
  origins: readonly string[]
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route requires; routes without one are public. */
    scope?: Scope
  }
  interface FastifyRequest {
    principal: Principal | null
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest()

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization
  if (!header) throw Problem.unauthorized('send Authorization: Bearer <api key>')
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (!match) throw Problem.unauthorized('the Authorization header must be "Bearer <api key>"')
  return match[1]
}

/** Checks the bearer key of every route that declares a scope, before its body is even parsed. */
export const authPlugin = fp(
  async (app, { adminApiKey }: { adminApiKey: string | undefined }) => {
    // Compared as digests so the comparison is constant-time whatever the presented length.
    const adminDigest = adminApiKey ? digest(adminApiKey) : null
    const admin: Principal = { keyId: 'admin', name: 'ADMIN_API_KEY', kind: 'admin', scopes: SCOPES, origins: [] }

    app.decorateRequest('principal', null)
    app.addHook('onRequest', async (request) => {
      const scope = request.routeOptions.config.scope
      if (!scope) return
      const token = bearerToken(request)
      if (!adminDigest || !timingSafeEqual(digest(token), adminDigest)) throw Problem.unauthorized('the API key is not valid')
      request.principal = admin
      if (!request.principal.scopes.includes(scope)) throw Problem.forbidden(`this key lacks the ${scope} scope`)
    })
  },
  { name: 'auth' },
)
