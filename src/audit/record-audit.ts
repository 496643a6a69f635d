import type { Principal } from '../api/principal.ts'
import type { Queryable } from '../infra/pool.ts'

/** Who made a change: a signed-in person, an API key, ADMIN_API_KEY, the CLI, or single sign-on making a member. */
export type AuditActor = { kind: 'person' | 'key' | 'admin' | 'cli' | 'sso'; id: string | null; name: string }

export type AuditEntry = {
  actor: AuditActor
  /** What kind of thing changed: link, kit, key, member, invitation, domain, setting, … */
  entity: string
  entityId: string
  /** create, update, delete, revoke, invite, … */
  action: string
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
}

export const CLI_ACTOR: AuditActor = Object.freeze({ kind: 'cli', id: null, name: 'umbra CLI' })

/** The actor behind an authenticated request. */
export function actorOf(principal: Principal | null): AuditActor {
  if (!principal) return { kind: 'admin', id: null, name: 'unknown' }
  if (principal.person) return { kind: 'person', id: principal.person.id, name: principal.person.email }
  if (principal.kind === 'admin') return { kind: 'admin', id: null, name: 'ADMIN_API_KEY' }
  return { kind: 'key', id: principal.keyId, name: principal.name }
}

const JSONABLE = (v: unknown) => (v instanceof Date ? v.toISOString() : v)
const same = (a: unknown, b: unknown) => JSON.stringify(JSONABLE(a)) === JSON.stringify(JSONABLE(b))

/** Only the fields that differ, each side with its own value: what an update's entry keeps. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !same(before[k], after[k]))
  return {
    before: Object.fromEntries(keys.map((k) => [k, JSONABLE(before[k]) ?? null])),
    after: Object.fromEntries(keys.map((k) => [k, JSONABLE(after[k]) ?? null])),
  }
}

/**
 * Appends one entry to the audit log. Pass the client of the transaction that makes the change, so the entry
 * commits with it or not at all. Any feature that changes something records it here (domains, settings too).
 */
export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query(
    `insert into audit_log (actor_kind, actor_id, actor_name, entity, entity_id, action, before, after)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      entry.actor.kind,
      entry.actor.id,
      entry.actor.name,
      entry.entity,
      entry.entityId,
      entry.action,
      entry.before ? JSON.stringify(entry.before) : null,
      entry.after ? JSON.stringify(entry.after) : null,
    ],
  )
}
