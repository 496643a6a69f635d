import type { Queryable } from '../infra/pool.ts'
import type { DomainSettings } from './domain-registry.ts'

export type DomainRow = DomainSettings & { createdAt: Date; links: number }

const COLUMNS = `host, root_redirect as "rootRedirect", not_found_url as "notFoundUrl", created_at as "createdAt",
  (select count(*) from links l where l.domain = d.host)::float8 as links`

export async function listDomains(db: Queryable): Promise<DomainRow[]> {
  return (await db.query(`select ${COLUMNS} from domains d order by host`)).rows
}

/** One served domain; `lock` holds its row until the transaction ends (a change reads it, then writes it). */
export async function findDomain(db: Queryable, host: string, { lock = false } = {}): Promise<DomainRow | null> {
  const { rows } = await db.query(`select ${COLUMNS} from domains d where host = $1${lock ? ' for update' : ''}`, [
    host,
  ])
  return rows[0] ?? null
}

/** Adds a domain; null when it is there already. */
export async function insertDomain(db: Queryable, d: DomainSettings): Promise<DomainRow | null> {
  const { rows } = await db.query(
    `with added as (
       insert into domains (host, root_redirect, not_found_url) values ($1, $2, $3)
       on conflict (host) do nothing returning *)
     select host, root_redirect as "rootRedirect", not_found_url as "notFoundUrl", created_at as "createdAt", 0::float8 as links
     from added`,
    [d.host, d.rootRedirect, d.notFoundUrl],
  )
  return rows[0] ?? null
}

/** Changes a domain's root redirect and not-found URL (undefined: unchanged, null: cleared); null when missing. */
export async function updateDomain(
  db: Queryable,
  host: string,
  patch: { rootRedirect?: string | null; notFoundUrl?: string | null },
): Promise<DomainRow | null> {
  const { rows } = await db.query(
    `update domains d set
       root_redirect = case when $2 then $3 else root_redirect end,
       not_found_url = case when $4 then $5 else not_found_url end
     where host = $1
     returning ${COLUMNS}`,
    [
      host,
      patch.rootRedirect !== undefined,
      patch.rootRedirect ?? null,
      patch.notFoundUrl !== undefined,
      patch.notFoundUrl ?? null,
    ],
  )
  return rows[0] ?? null
}

/** The hosts of DOMAINS, added at start when missing (a domain added by the API keeps its settings). */
export async function ensureDomains(db: Queryable, hosts: readonly string[]): Promise<void> {
  if (hosts.length === 0) return
  await db.query(`insert into domains (host) select unnest($1::text[]) on conflict (host) do nothing`, [hosts])
}

/**
 * Deletes a domain that holds no link (disabled ones count: their codes are never reused). Locks the row
 * first, so a link being inserted on it (insertLink key-share locks it) either lands before the check or
 * fails after the delete.
 */
export async function deleteEmptyDomain(db: Queryable, host: string): Promise<'deleted' | 'missing' | 'has-links'> {
  const { rows } = await db.query(
    `with target as (select host from domains where host = $1 for update),
     gone as (
       delete from domains d using target t
       where d.host = t.host and not exists (select 1 from links l where l.domain = t.host)
       returning d.host)
     select (select count(*) from target)::int as found, (select count(*) from gone)::int as deleted`,
    [host],
  )
  const { found, deleted } = rows[0]
  return deleted === 1 ? 'deleted' : found === 0 ? 'missing' : 'has-links'
}
