import type { Pool } from '../infra/database.ts'
import { Problem } from '../infra/problem.ts'
import { insertApiKey, type ApiKeyRow } from './api-key-repository.ts'
import { mintKeySecret, type KeyKind } from './api-key-secret.ts'
import type { Scope } from './principal.ts'
import { parseKeyOrigin } from './key-origins.ts'
import { UNSAFE_TEXT_CHARS, UNSAFE_TEXT_MESSAGE } from '../links/unsafe-text.ts'

export type ApiKeyRequest = {
  kind: KeyKind
  name: string
  scopes?: readonly Scope[]
  origins?: readonly string[]
  expiresAt?: string | Date | null
  /** The person creating it, if a person is. */
  createdBy?: string | null
  /**
   * The scopes of the key asking (POST /keys): a key grants only what it holds, so keys:admin alone cannot
   * mint a links:write key. Unset for the command line, which runs with the database's own rights.
   */
  grantedBy?: readonly Scope[]
}

export type CreatedApiKey = { row: ApiKeyRow; secret: string }

// Publishable keys sit in page source for anyone to read: all they may do is mint share kits.
const PUBLISHABLE_SCOPES: readonly Scope[] = ['shares:write']

/**
 * Checks a key request (throws a 400 problem naming the field) and stores the new key; the secret is
 * returned here and never again. Used by POST /api/v1/keys and `umbra keys create`.
 */
export async function createApiKey(
  db: Pick<Pool, 'query'>,
  input: ApiKeyRequest,
  now = Date.now(),
): Promise<CreatedApiKey> {
  const name = input.name.trim()
  if (!name || name.length > 100) throw Problem.field('name', 'must be 1 to 100 characters')
  if (UNSAFE_TEXT_CHARS.test(name)) throw Problem.field('name', UNSAFE_TEXT_MESSAGE)
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null
  if (expiresAt && Number.isNaN(expiresAt.getTime())) throw Problem.field('expiresAt', 'is not a date')
  if (expiresAt && expiresAt.getTime() <= now) throw Problem.field('expiresAt', 'must be in the future')
  const scopes = [...new Set(input.scopes ?? [])]
  const origins: string[] = []
  for (const raw of input.origins ?? []) {
    const origin = parseKeyOrigin(raw)
    if (!origin)
      throw Problem.field('origins', `"${raw.slice(0, 100)}" is not an origin such as https://www.example.com`)
    if (!origins.includes(origin)) origins.push(origin)
  }

  if (input.kind === 'publishable') {
    if (scopes.some((s) => !PUBLISHABLE_SCOPES.includes(s)))
      throw Problem.field('scopes', 'a publishable key can only have shares:write')
    if (origins.length === 0) throw Problem.field('origins', 'a publishable key needs at least one allowed origin')
  } else {
    if (scopes.length === 0) throw Problem.field('scopes', 'name at least one scope')
    if (origins.length > 0) throw Problem.field('origins', 'only publishable keys have origins')
  }

  const granted = input.kind === 'publishable' ? PUBLISHABLE_SCOPES : scopes
  const notHeld = input.grantedBy && granted.filter((s) => !input.grantedBy?.includes(s))
  if (notHeld?.length)
    throw Problem.forbidden(`a key can only grant scopes it holds itself; this one lacks ${notHeld.join(', ')}`)

  const minted = mintKeySecret(input.kind)
  const row = await insertApiKey(db, {
    kind: input.kind,
    name,
    prefix: minted.prefix,
    secretHash: minted.hash,
    scopes: granted,
    origins,
    expiresAt,
    createdBy: input.createdBy ?? null,
  })
  return { row, secret: minted.secret }
}
