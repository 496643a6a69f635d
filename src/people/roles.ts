import { SCOPES, type Scope } from '../api/principal.ts'

export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const
export type Role = (typeof ROLES)[number]

/** What each role may do, in API scopes: a person's session carries these, and keys they mint stay within them. */
export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  // Owners hold every scope there is, new ones included; admins every one too (they differ on members).
  owner: SCOPES,
  admin: SCOPES,
  // Editors run campaigns: they may read webhooks and make the key a landing site reports conversions with.
  editor: ['links:read', 'links:write', 'stats:read', 'shares:write', 'webhooks:read', 'conversions:write'],
  viewer: ['links:read', 'stats:read'],
}

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value)

/**
 * Why `actor` may not give `target` the role `to` (or change them at all when `to` is undefined), or null.
 * Owners manage everyone; admins manage everyone but owners, and cannot make owners.
 */
export function memberChangeRefusal(actor: Role, target: Role | null, to?: Role): string | null {
  if (actor === 'owner') return null
  if (actor !== 'admin') return 'only owners and admins manage members'
  if (target === 'owner') return 'only an owner can change or remove an owner'
  if (to === 'owner') return 'only an owner can make someone an owner'
  return null
}

/** The scopes of `wanted` that `held` does not include: a person can never mint a key stronger than their role. */
export const scopesBeyond = (held: readonly Scope[], wanted: readonly Scope[]) =>
  wanted.filter((s) => !held.includes(s))
