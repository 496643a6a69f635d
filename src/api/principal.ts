export const SCOPES = [
  'links:read',
  'links:write',
  'stats:read',
  'shares:write',
  'keys:admin',
  'members:admin',
  'audit:read',
  'webhooks:read',
  'webhooks:write',
  'conversions:write',
] as const
export type Scope = (typeof SCOPES)[number]

/** The person behind a dashboard session (src/people/): their role stands for the principal's scopes. */
export type PersonRef = { id: string; email: string; name: string | null; role: string }

/**
 * Who is calling. `publishable` keys (pk_…) live in web pages: they can only mint share kits, for
 * URLs on their allowed origins, from pages on those origins. `person` is a signed-in member of the team.
 */
export type Principal = {
  keyId: string
  name: string
  kind: 'admin' | 'secret' | 'publishable' | 'person'
  scopes: readonly Scope[]
  /** Allowed origins (https://www.example.com) of a publishable key; empty for the others. */
  origins: readonly string[]
  /** Set for kind 'person'. */
  person?: PersonRef
}

/** The caller of a scoped route: auth.ts sets one on every route that declares a scope, or answers 401. */
export function callerOf(request: { principal: Principal | null }): Principal {
  if (!request.principal) throw new Error('no principal: the route declares no scope (see src/api/auth.ts)')
  return request.principal
}
