import type { z } from 'zod'
import { type AuditActor, changedFields, recordAudit } from '../audit/record-audit.ts'
import type { Pool } from '../infra/pool.ts'
import { Problem } from '../infra/problem.ts'
import { inTransaction } from '../infra/transaction.ts'
import { deleteEmptyDomain, type DomainRow, findDomain, insertDomain, updateDomain } from './domain-repository.ts'
import { CreateDomain, UpdateDomain } from './domain-schemas.ts'
import { hostNameProblem, normalizeHost } from './host-name.ts'

/**
 * Who changes the served domains, and where: the API and `umbra domains` both go through the functions
 * below, so a change is validated, audited and announced the same way. The announcement is the domains
 * table's trigger (NOTIFY umbra_domain_changed, migration 029), sent when the change's transaction
 * commits: every instance reloads, a running server beside the CLI included.
 */
export type DomainChanger = { db: Pick<Pool, 'connect'>; defaultHost: string; actor: AuditActor }

/** The schema's answer, or a 400 naming each field: what the API's validator says, for callers without one. */
export function parseDomainInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  throw Problem.validation(parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })))
}

/** A host named by a caller, as stored; a bad name is a 400, the default domain a 409 (it lives in PUBLIC_URL). */
function servedHostOf(raw: string, defaultHost: string, field?: string): string {
  const host = normalizeHost(raw)
  const problem = hostNameProblem(host)
  if (problem) throw field ? Problem.field(field, problem) : Problem.notFound(`domain ${host}`)
  if (host === defaultHost)
    throw Problem.conflict(`${host} is the default domain (PUBLIC_URL): ROOT_REDIRECT applies to it`, field)
  return host
}

const audited = (d: DomainRow) => ({ rootRedirect: d.rootRedirect, notFoundUrl: d.notFoundUrl })

/** Serves another domain; 409 when it is served already. */
export async function addDomain(changer: DomainChanger, input: CreateDomain): Promise<DomainRow> {
  const body = parseDomainInput(CreateDomain, input)
  const host = servedHostOf(body.host, changer.defaultHost, 'host')
  return inTransaction(changer.db, async (client) => {
    const row = await insertDomain(client, {
      host,
      rootRedirect: body.rootRedirect ?? null,
      notFoundUrl: body.notFoundUrl ?? null,
    })
    if (!row) throw Problem.conflict(`${host} is served already`, 'host')
    const entry = { entity: 'domain', entityId: host, action: 'create', after: audited(row) }
    await recordAudit(client, { actor: changer.actor, ...entry })
    return row
  })
}

/** Changes a domain's root redirect and not-found URL (null clears one); 404 when it is not served. */
export async function changeDomain(changer: DomainChanger, rawHost: string, input: UpdateDomain): Promise<DomainRow> {
  const patch = parseDomainInput(UpdateDomain, input)
  const host = servedHostOf(rawHost, changer.defaultHost)
  return inTransaction(changer.db, async (client) => {
    const before = await findDomain(client, host, { lock: true })
    const after = before && (await updateDomain(client, host, patch))
    if (!before || !after) throw Problem.notFound(`domain ${host}`)
    const change = changedFields(audited(before), audited(after))
    if (Object.keys(change.after).length)
      await recordAudit(client, { actor: changer.actor, entity: 'domain', entityId: host, action: 'update', ...change })
    return after
  })
}

/** Stops serving a domain; 409 while it holds links (a code is never reused, so its domain stays). */
export async function removeDomain(changer: DomainChanger, rawHost: string): Promise<void> {
  const host = servedHostOf(rawHost, changer.defaultHost)
  await inTransaction(changer.db, async (client) => {
    const before = await findDomain(client, host, { lock: true })
    const outcome = await deleteEmptyDomain(client, host)
    if (outcome === 'missing') throw Problem.notFound(`domain ${host}`)
    if (outcome === 'has-links')
      throw Problem.conflict(`${host} still holds links: a link's code is never reused, so its domain stays`)
    const entry = { entity: 'domain', entityId: host, action: 'delete', before: before ? audited(before) : null }
    await recordAudit(client, { actor: changer.actor, ...entry })
  })
}
