import { createHmac, timingSafeEqual } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import type { Pool } from '../infra/database.ts'
import { findApiKeyByHash, type ApiKeyRow } from './api-key-repository.ts'
import { hashKeySecret, looksLikeKeySecret } from './api-key-secret.ts'
import { SCOPES, type Principal } from './principal.ts'
import { withLastAnswer } from '../infra/last-answer.ts'

export type AuthFailure = 'unknown' | 'expired' | 'revoked'
export type AuthOutcome = { principal: Principal } | { failure: AuthFailure }

// Unknown hashes are cached too (lru-cache cannot hold null), so a spray of bad keys stays off Postgres.
type CachedKey = { found: false } | { found: true; principal: Principal; expiresAtMs: number | null; revoked: boolean }
const UNKNOWN: CachedKey = Object.freeze({ found: false })

export const ADMIN_PRINCIPAL: Principal = Object.freeze({
  keyId: 'admin',
  name: 'ADMIN_API_KEY',
  kind: 'admin',
  scopes: SCOPES,
  origins: [],
})

export type KeyAuthenticator = ReturnType<typeof createKeyAuthenticator>

export function principalOf(row: ApiKeyRow): Principal {
  return { keyId: row.id, name: row.name, kind: row.kind, scopes: row.scopes, origins: row.origins }
}

const sameBytes = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b)

// Domain separation: the server secret also keys other HMACs (visitor salts).
const ADMIN_SESSION_LABEL = 'umbra dashboard session of ADMIN_API_KEY\0'

/**
 * Bearer token → principal: ADMIN_API_KEY first (constant-time), then api_keys by sha-256, through a
 * short bounded cache. Another instance's revocation is seen within `cacheTtlMs`; this one's at once
 * (forget). Expiry is checked on every call, cached or not.
 */
export function createKeyAuthenticator(opts: {
  db: Pick<Pool, 'query'>
  adminApiKey: string | undefined
  /** Keys the HMAC that dashboard sessions of ADMIN_API_KEY keep instead of its hash (src/infra/server-secret.ts). */
  serverSecret: Buffer
  cacheTtlMs: number
  cacheSize: number
  now?: () => number
}) {
  const now = opts.now ?? Date.now
  const adminHash = opts.adminApiKey ? hashKeySecret(opts.adminApiKey) : null
  // ADMIN_API_KEY is chosen by a person, so its bare sha-256 in a dump could be tested against guesses; an HMAC
  // under a secret kept out of Postgres cannot. Rotating either one ends its sessions.
  const adminSessionRef = adminHash
    ? createHmac('sha256', opts.serverSecret).update(ADMIN_SESSION_LABEL).update(adminHash).digest()
    : null
  const cache = new LRUCache<string, CachedKey>({
    max: opts.cacheSize,
    ttl: Math.max(1, opts.cacheTtlMs),
    // While Postgres is unreachable a key seen before keeps its last answer (no key can be changed then anyway),
    // so beacons keep working through an outage; a key not seen yet still needs the database (503 meanwhile).
    fetchMethod: withLastAnswer(async (hex: string) => {
      const row = await findApiKeyByHash(opts.db, Buffer.from(hex, 'hex'))
      return row
        ? {
            found: true,
            principal: principalOf(row),
            expiresAtMs: row.expires_at?.getTime() ?? null,
            revoked: row.revoked_at !== null,
          }
        : UNKNOWN
    }),
  })

  // Publishable keys are in pages' source anyway: their hashes are kept, since every beacon names one.
  const publishableHashes = new Map<string, string>()

  /** Looks a minted key up by the sha-256 of its secret. */
  async function lookUpKey(hash: Buffer): Promise<AuthOutcome> {
    const hex = hash.toString('hex')
    const key = opts.cacheTtlMs > 0 ? await cache.fetch(hex) : await cache.fetch(hex, { forceRefresh: true })
    if (!key?.found) return { failure: 'unknown' }
    if (key.revoked) return { failure: 'revoked' }
    if (key.expiresAtMs !== null && key.expiresAtMs <= now()) return { failure: 'expired' }
    return { principal: key.principal }
  }

  return {
    async authenticate(token: string): Promise<AuthOutcome> {
      const hash = hashKeySecret(token)
      if (adminHash && sameBytes(hash, adminHash)) return { principal: ADMIN_PRINCIPAL }
      // ADMIN_API_KEY has no fixed shape; any other token must look like a key we minted to cost a lookup.
      if (!looksLikeKeySecret(token)) return { failure: 'unknown' }
      return lookUpKey(hash)
    },
    /**
     * A minted key's principal when this instance holds a fresh, good answer for it, without waiting (the
     * beacons' fast path); undefined otherwise, and the caller then asks authenticate(). A stale entry is
     * left in place, so it still serves as the last answer through an outage.
     */
    cachedPrincipal(token: string): Principal | undefined {
      if (opts.cacheTtlMs <= 0 || !token.startsWith('pk_') || !looksLikeKeySecret(token)) return undefined
      let hex = publishableHashes.get(token)
      if (hex === undefined) {
        const hash = hashKeySecret(token)
        if (adminHash && sameBytes(hash, adminHash)) return undefined
        hex = hash.toString('hex')
        if (publishableHashes.size >= opts.cacheSize) publishableHashes.clear()
        publishableHashes.set(token, hex)
      }
      const key = cache.get(hex, { noDeleteOnStaleGet: true })
      if (!key?.found || key.revoked || (key.expiresAtMs !== null && key.expiresAtMs <= now())) return undefined
      return key.principal
    },
    /**
     * What a dashboard session keeps of the key it was opened with (the secret was just authenticated): for a
     * minted key the sha-256 of its 256 random bits (as api_keys holds), for ADMIN_API_KEY an HMAC under the server secret.
     */
    sessionRefOf(token: string): Buffer {
      const hash = hashKeySecret(token)
      return adminHash && adminSessionRef && sameBytes(hash, adminHash) ? adminSessionRef : hash
    },
    /** The key behind a dashboard session's reference (sessionRefOf). */
    async authenticateSession(ref: Buffer): Promise<AuthOutcome> {
      if (adminSessionRef && sameBytes(ref, adminSessionRef)) return { principal: ADMIN_PRINCIPAL }
      return lookUpKey(ref)
    },
    /** Drops a key from this instance's cache at once (after revoking it). */
    forget(keyId: string) {
      for (const [hex, key] of cache.entries()) if (key.found && key.principal.keyId === keyId) cache.delete(hex)
    },
    /** Drops every cached hash (after creating a key: a cached "unknown" must not hide it). */
    clear: () => cache.clear(),
  }
}
