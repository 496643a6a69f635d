import type { Queryable } from '../infra/pool.ts'

export type AuditRow = {
  id: string
  at: Date
  actor_kind: string
  actor_id: string | null
  actor_name: string
  entity: string
  entity_id: string
  action: string
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
}

export type AuditFilter = {
  actor?: string
  entity?: string
  entityId?: string
  from?: string
  to?: string
  beforeId?: string
  limit: number
}

/** Newest first, keyset-paged on id. `actor` matches a name (email, key name) or an id. */
export async function listAudit(db: Queryable, f: AuditFilter): Promise<AuditRow[]> {
  const { rows } = await db.query(
    `select id, at, actor_kind, actor_id, actor_name, entity, entity_id, action, before, after from audit_log
     where ($1::text is null or lower(actor_name) = lower($1) or actor_id = $1)
       and ($2::text is null or entity = $2) and ($3::text is null or entity_id = $3)
       and ($4::timestamptz is null or at >= $4) and ($5::timestamptz is null or at < $5)
       and ($6::bigint is null or id < $6)
     order by id desc limit $7`,
    [f.actor ?? null, f.entity ?? null, f.entityId ?? null, f.from ?? null, f.to ?? null, f.beforeId ?? null, f.limit],
  )
  return rows
}

export const toAuditView = (r: AuditRow) => ({
  id: r.id,
  at: r.at.toISOString(),
  actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
  entity: r.entity,
  entityId: r.entity_id,
  action: r.action,
  before: r.before,
  after: r.after,
})
