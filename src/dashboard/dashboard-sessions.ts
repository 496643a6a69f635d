import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from '../infra/pool.ts'

/** The key a session was made from: its id, and the reference the authenticator made of it (sessionRefOf). */
export type SessionKey = { keyId: string; keyRef: Buffer }
/** What a session stands for: an API key (signed in with it) or a person (signed in with a password or SSO). */
export type SessionSubject = SessionKey | { personId: string }
/** One of a person's sessions, for their profile: `id` is a short public name of it (not the token). */
export type SessionListing = { id: string; createdAt: Date; expiresAt: Date; current: boolean }

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
    async open(subject: SessionSubject, on: Queryable = db): Promise<OpenedSession> {
      const token = randomBytes(32).toString('base64url')
      const expiresAt = new Date(now() + ttlMs)
      await on.query('delete from dashboard_sessions where expires_at <= $1', [new Date(now())])
      const key = 'keyId' in subject ? subject : null
      await on.query(
        'insert into dashboard_sessions (id_hash, key_id, key_ref, person_id, expires_at) values ($1, $2, $3, $4, $5)',
        [
          sha256(token),
          key?.keyId ?? null,
          key?.keyRef ?? null,
          key ? null : (subject as { personId: string }).personId,
          expiresAt,
        ],
      )
      return { token, expiresAt }
    },

    /** What a live session stands for, or null when the token is malformed, unknown, signed out or expired. */
    async resolve(token: string): Promise<(SessionSubject & { expiresAt: Date }) | null> {
      if (!TOKEN_SHAPE.test(token)) return null
      const { rows } = await db.query(
        'select key_id, key_ref, person_id, expires_at from dashboard_sessions where id_hash = $1 and expires_at > $2',
        [sha256(token), new Date(now())],
      )
      const row = rows[0]
      if (!row) return null
      if (row.person_id !== null) return { personId: String(row.person_id), expiresAt: row.expires_at }
      return { keyId: row.key_id, keyRef: Buffer.from(row.key_ref), expiresAt: row.expires_at }
    },

    /** A person's live sessions, newest first; `current` marks the one holding `token`. */
    async listFor(personId: string, token: string | undefined): Promise<SessionListing[]> {
      const { rows } = await db.query(
        `select id_hash, created_at, expires_at from dashboard_sessions
         where person_id = $1 and expires_at > $2 order by created_at desc limit 100`,
        [personId, new Date(now())],
      )
      const mine = token && TOKEN_SHAPE.test(token) ? sha256(token) : null
      return rows.map((r) => ({
        id: Buffer.from(r.id_hash).subarray(0, 8).toString('hex'),
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        current: mine?.equals(r.id_hash) ?? false,
      }))
    },

    /** Ends every session of a person (sign out everywhere, a suspension, a new password); `on`: the caller's transaction. */
    async closeAllOfPerson(personId: string, on: Queryable = db): Promise<number> {
      const { rowCount } = await on.query('delete from dashboard_sessions where person_id = $1', [personId])
      return rowCount ?? 0
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
