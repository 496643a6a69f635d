import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from '../infra/pool.ts'
import type { Role } from './roles.ts'

export const INVITATION_TTL_MS = 7 * 24 * 3_600_000
export const PASSWORD_LINK_TTL_MS = 24 * 3_600_000

export type TokenPurpose = 'invitation' | 'password'

export type TokenRow = {
  id: string
  purpose: TokenPurpose
  email: string
  role: Role | null
  person_id: string | null
  created_by: string | null
  created_at: Date
  expires_at: Date
}

const COLUMNS = 'id, purpose, email, role, person_id, created_by, created_at, expires_at'
// 256 random bits as base64url (43 characters): anything else is not a token we minted.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/

export const hashToken = (token: string) => createHash('sha256').update(token).digest()
export const mintToken = () => randomBytes(32).toString('base64url')

/** Stores a new single-use token (only its sha-256) and returns the token, shown once to whoever passes it on. */
export async function issueToken(
  db: Queryable,
  t: { purpose: TokenPurpose; email: string; role?: Role; personId?: string; createdBy?: string | null; ttlMs: number },
): Promise<{ token: string; row: TokenRow }> {
  const token = mintToken()
  const { rows } = await db.query(
    `insert into people_tokens (token_hash, purpose, email, role, person_id, created_by, expires_at)
     values ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7)) returning ${COLUMNS}`,
    [hashToken(token), t.purpose, t.email, t.role ?? null, t.personId ?? null, t.createdBy ?? null, t.ttlMs / 1000],
  )
  return { token, row: rows[0] }
}

/** A live (unused, unexpired) token of that purpose, without using it up. */
export async function peekToken(db: Queryable, token: string, purpose: TokenPurpose): Promise<TokenRow | null> {
  if (!TOKEN_SHAPE.test(token)) return null
  const { rows } = await db.query(
    `select ${COLUMNS} from people_tokens
     where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()`,
    [hashToken(token), purpose],
  )
  return rows[0] ?? null
}

/** Uses a live token up (in the caller's transaction): null when it is unknown, used, expired or of another purpose. */
export async function consumeToken(db: Queryable, token: string, purpose: TokenPurpose): Promise<TokenRow | null> {
  if (!TOKEN_SHAPE.test(token)) return null
  const { rows } = await db.query(
    `update people_tokens set used_at = now()
     where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now() returning ${COLUMNS}`,
    [hashToken(token), purpose],
  )
  return rows[0] ?? null
}

/** Pending invitations, newest first. */
export async function listInvitations(db: Queryable): Promise<TokenRow[]> {
  const { rows } = await db.query(
    `select ${COLUMNS} from people_tokens
     where purpose = 'invitation' and used_at is null and expires_at > now() order by id desc limit 1000`,
  )
  return rows
}

/** Withdraws a pending invitation (marks it used); null when there is none with that id. */
export async function withdrawInvitation(db: Queryable, id: string): Promise<TokenRow | null> {
  const { rows } = await db.query(
    `update people_tokens set used_at = now()
     where id = $1 and purpose = 'invitation' and used_at is null and expires_at > now() returning ${COLUMNS}`,
    [id],
  )
  return rows[0] ?? null
}

/** Ends earlier password links of a person when a new one is issued or the password is set. */
export async function retirePasswordLinks(db: Queryable, personId: string): Promise<void> {
  await db.query(
    `update people_tokens set used_at = now() where person_id = $1 and purpose = 'password' and used_at is null`,
    [personId],
  )
}
