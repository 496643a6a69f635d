import type { Queryable } from '../infra/pool.ts'
import type { Scope } from './principal.ts'
import type { KeyKind } from './api-key-secret.ts'

export type ApiKeyRow = {
  id: string
  kind: KeyKind
  name: string
  prefix: string
  scopes: Scope[]
  origins: string[]
  created_at: Date
  expires_at: Date | null
  revoked_at: Date | null
  last_used_at: Date | null
  /** The person who created the key (null: the CLI, ADMIN_API_KEY or another key), and their email. */
  created_by: string | null
  created_by_email: string | null
}

export type NewApiKey = {
  kind: KeyKind
  name: string
  prefix: string
  secretHash: Buffer
  scopes: readonly Scope[]
  origins: readonly string[]
  expiresAt: Date | null
  createdBy?: string | null
}

const COLUMNS =
  'id, kind, name, prefix, scopes, origins, created_at, expires_at, revoked_at, last_used_at, created_by, ' +
  '(select p.email from people p where p.id = api_keys.created_by) as created_by_email'

export async function insertApiKey(db: Queryable, key: NewApiKey): Promise<ApiKeyRow> {
  const { rows } = await db.query(
    `insert into api_keys (kind, name, prefix, secret_hash, scopes, origins, expires_at, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${COLUMNS}`,
    [key.kind, key.name, key.prefix, key.secretHash, key.scopes, key.origins, key.expiresAt, key.createdBy ?? null],
  )
  return rows[0]
}

/** The key whose secret hashes to `hash`, revoked and expired ones included (the caller says why it fails). */
export async function findApiKeyByHash(db: Queryable, hash: Buffer): Promise<ApiKeyRow | null> {
  const { rows } = await db.query(`select ${COLUMNS} from api_keys where secret_hash = $1`, [hash])
  return rows[0] ?? null
}

/** Keys whose id or display prefix is `ref` (the CLI's `keys revoke <id|prefix>`). */
export async function findApiKeysByRef(db: Queryable, ref: string): Promise<ApiKeyRow[]> {
  const id = /^[1-9]\d{0,18}$/.test(ref) ? ref : null
  const { rows } = await db.query(`select ${COLUMNS} from api_keys where id = $1::bigint or prefix = $2 order by id`, [
    id,
    ref,
  ])
  return rows
}

/** Newest first; keyset pagination on id. */
export async function listApiKeys(
  db: Queryable,
  f: { limit: number; beforeId?: string; includeRevoked: boolean },
): Promise<ApiKeyRow[]> {
  const { rows } = await db.query(
    `select ${COLUMNS} from api_keys
     where ($1::bigint is null or id < $1) and ($2 or revoked_at is null)
     order by id desc limit $3`,
    [f.beforeId ?? null, f.includeRevoked, f.limit],
  )
  return rows
}

/** Revokes a key (idempotent: a second revoke keeps the first time); null when there is no such key. */
export async function revokeApiKey(db: Queryable, id: string): Promise<ApiKeyRow | null> {
  const { rows } = await db.query(
    `update api_keys set revoked_at = coalesce(revoked_at, now()) where id = $1 returning ${COLUMNS}`,
    [id],
  )
  return rows[0] ?? null
}

/** Keys that can still be used: not revoked, not expired. */
export async function countUsableApiKeys(db: Queryable): Promise<number> {
  const { rows } = await db.query(
    'select count(*)::int as n from api_keys where revoked_at is null and (expires_at is null or expires_at > now())',
  )
  return rows[0].n
}

/** Moves each key's last use forward to the given instant (never back: another instance may know a later one). */
export async function recordKeyUses(db: Queryable, uses: ReadonlyMap<string, number>): Promise<void> {
  await db.query(
    `update api_keys k set last_used_at = greatest(k.last_used_at, u.at)
     from unnest($1::bigint[], $2::timestamptz[]) as u(id, at)
     where k.id = u.id`,
    [[...uses.keys()], [...uses.values()].map((ms) => new Date(ms))],
  )
}
