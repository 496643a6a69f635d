import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from '../infra/pool.ts'

/** The key a session was made from: its id, and the reference the authenticator made of it (sessionRefOf). */
export type SessionKey = { keyId: string; keyRef: Buffer }

export type OpenedSession = { token: string; expiresAt: Date }

export type DashboardSessions = ReturnType<typeof createDashboardSessions>

const sha256 = (s: string) => createHash('sha256').update(s).digest()

// 32 random bytes as base64url: 43 characters, 256 bits; anything else is not a token we minted.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/

/**
 * Server-side dashboard sessions. The browser holds a random token; the table holds only its sha-256,
 * the key it stands for and an absolute expiry. `now` is passed in so tests can move the clock.
 */
export function createDashboardSessions(opts: { db: Queryable; ttlMs: number; now?: () => number }) {
  const { db, ttlMs } = opts
  const now = opts.now ?? Date.now

  return {
    ttlMs,

    /** Mints a session for a key that was just authenticated; also sweeps expired rows (cheap, indexed). */
    async open(key: SessionKey): Promise<OpenedSession> {
      const token = randomBytes(32).toString('base64url')
      const expiresAt = new Date(now() + ttlMs)
      await db.query('delete from dashboard_sessions where expires_at <= $1', [new Date(now())])
      await db.query('insert into dashboard_sessions (id_hash, key_id, key_ref, expires_at) values ($1, $2, $3, $4)', [
        sha256(token),
        key.keyId,
        key.keyRef,
        expiresAt,
      ])
      return { token, expiresAt }
    },

    /** The key behind a live session, or null when the token is malformed, unknown, signed out or expired. */
    async resolve(token: string): Promise<(SessionKey & { expiresAt: Date }) | null> {
      if (!TOKEN_SHAPE.test(token)) return null
      const { rows } = await db.query(
        'select key_id, key_ref, expires_at from dashboard_sessions where id_hash = $1 and expires_at > $2',
        [sha256(token), new Date(now())],
      )
      const row = rows[0]
      return row ? { keyId: row.key_id, keyRef: Buffer.from(row.key_ref), expiresAt: row.expires_at } : null
    },

    /** Signs one session out. */
    async close(token: string): Promise<void> {
      if (TOKEN_SHAPE.test(token)) await db.query('delete from dashboard_sessions where id_hash = $1', [sha256(token)])
    },

    /** Ends every session made from a key (called when the key is revoked; resolve() re-checks the key anyway). */
    async closeAllFor(keyId: string): Promise<number> {
      const { rowCount } = await db.query('delete from dashboard_sessions where key_id = $1', [keyId])
      return rowCount ?? 0
    },
  }
}
