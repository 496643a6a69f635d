import type pg from 'pg'
import type { Queryable } from '../infra/pool.ts'
import type { Pool } from '../infra/database.ts'
import { findLinkByCode, insertLink } from '../links/link-repository.ts'
import type { UrlPolicy } from '../links/url-policy.ts'
import type { ImportFormat } from './import-record.ts'
import type { Candidate, Conflict, Warning } from './plan-import.ts'
import { planInWorker } from './plan-worker.ts'

export type ImportAction = 'create' | 'unchanged' | 'conflict'
export type ImportItem = { line: number; code: string | null; action: ImportAction; url?: string; reason?: string }

export type ImportSummary = {
  format: ImportFormat
  dryRun: boolean
  /** Links made (or, in a dry run, that would be). */
  created: number
  /** Links already there with the same code and target: left as they are. */
  unchanged: number
  conflicts: Conflict[]
  warnings: Warning[]
}

export type ImportRequest = {
  format: ImportFormat
  input: string
  dryRun: boolean
  urlPolicy: UrlPolicy
  /** Only the export's links on this host (PlanInput.domain). */
  domain?: string | null
  /** The Umbra domain the links are made on, as stored ('' or omitted: PUBLIC_URL's). */
  into?: string
  /** Runs in the import's transaction before it commits (the audit log's entry), with the codes created. */
  beforeCommit?: (client: Queryable, createdCodes: string[]) => Promise<void>
}

/** The SQL half: which codes are taken already, and by which target. */
async function existingTargets(db: Pick<Pool, 'query'>, codes: string[], domain: string): Promise<Map<string, string>> {
  if (!codes.length) return new Map()
  const { rows } = await db.query<{ code: string; url: string }>(
    'select code, url from links where domain = $2 and code = any($1::text[])',
    [codes, domain],
  )
  return new Map(rows.map((r) => [r.code, r.url]))
}

const takenReason = (url: string) => `code: already used here for another target (${url})`

/**
 * Imports one export: parse (ImportFormatError when unreadable), check every link, then create the new
 * ones in one transaction, so a failure part-way changes nothing. A link whose code is already there with the
 * same target is left as it is, so a second run changes nothing. A dry run stops before the transaction.
 */
export async function runImport(pool: Pick<Pool, 'query' | 'connect'>, request: ImportRequest) {
  // Parsing and checking a large export is CPU work: a worker thread does it, redirects go on meanwhile.
  const into = request.into ?? ''
  const plan = await planInWorker({
    format: request.format,
    input: request.input,
    urlPolicy: { ownHosts: [...request.urlPolicy.ownHosts], blockedDomains: request.urlPolicy.blockedDomains },
    domain: request.domain,
  })
  const conflicts = [...plan.conflicts]
  const items: ImportItem[] = plan.conflicts.map((c) => ({ ...c, action: 'conflict' }))
  const existing = await existingTargets(
    pool,
    plan.candidates.map((c) => c.code),
    into,
  )
  const toCreate: Candidate[] = []
  let unchanged = plan.duplicates.length
  for (const d of plan.duplicates) items.push({ line: d.line, code: d.code, action: 'unchanged', url: d.url })
  for (const c of plan.candidates) {
    const url = existing.get(c.code)
    if (url === undefined) toCreate.push(c)
    else if (url === c.url) {
      unchanged++
      items.push({ line: c.line, code: c.code, action: 'unchanged', url })
    } else {
      const conflict = { line: c.line, code: c.code, reason: takenReason(url) }
      conflicts.push(conflict)
      items.push({ ...conflict, action: 'conflict' })
    }
  }

  let created: Candidate[] = toCreate
  if (!request.dryRun && toCreate.length) {
    const outcome = await createLinks(pool, toCreate, request.format, into, request.beforeCommit)
    created = outcome.created
    unchanged += outcome.unchanged.length
    for (const c of outcome.unchanged) items.push({ line: c.line, code: c.code, action: 'unchanged', url: c.url })
    for (const { candidate, url } of outcome.taken) {
      const conflict = { line: candidate.line, code: candidate.code, reason: takenReason(url) }
      conflicts.push(conflict)
      items.push({ ...conflict, action: 'conflict' })
    }
  }
  for (const c of created) items.push({ line: c.line, code: c.code, action: 'create', url: c.url })

  const byLine = (a: { line: number }, b: { line: number }) => a.line - b.line
  const summary: ImportSummary = {
    format: request.format,
    dryRun: request.dryRun,
    created: created.length,
    unchanged,
    conflicts: conflicts.sort(byLine),
    warnings: plan.warnings,
  }
  return {
    summary,
    items: items.sort(byLine),
    createdCodes: request.dryRun ? [] : created.map((c) => c.code),
    domain: into,
  }
}

/** Inserts through the link repository, then stamps the export's dates and totals on the new rows; all or nothing. */
async function createLinks(
  pool: Pick<Pool, 'connect'>,
  candidates: Candidate[],
  source: ImportFormat,
  domain: string,
  beforeCommit?: ImportRequest['beforeCommit'],
) {
  const client = (await pool.connect()) as pg.PoolClient
  const created: (Candidate & { id: string })[] = []
  const unchanged: Candidate[] = []
  const taken: { candidate: Candidate; url: string }[] = []
  try {
    await client.query('begin')
    for (const c of candidates) {
      const row = await insertLink(client, {
        code: c.code,
        domain,
        url: c.url,
        title: c.title,
        topics: c.topics,
        expiresAt: c.expiresAt?.toISOString() ?? null,
      })
      if (row) {
        created.push({ ...c, id: row.id })
        continue
      }
      // Taken since the check above (another import or a create racing this one): decided as if seen before.
      const other = await findLinkByCode(client, c.code, domain)
      if (other && other.url === c.url) unchanged.push(c)
      else taken.push({ candidate: c, url: other?.url ?? '?' })
    }
    if (created.length) {
      await client.query(
        `update links l set created_at = v.created_at, updated_at = now()
         from unnest($1::bigint[], $2::timestamptz[]) as v(id, created_at)
         where l.id = v.id and v.created_at is not null`,
        [created.map((c) => c.id), created.map((c) => c.createdAt)],
      )
      await client.query(
        `insert into imported_links (link_id, source, clicks)
         select id, $1, clicks from unnest($2::bigint[], $3::bigint[]) as v(id, clicks)`,
        [source, created.map((c) => c.id), created.map((c) => c.clicks)],
      )
    }
    if (created.length)
      await beforeCommit?.(
        client,
        created.map((c) => c.code),
      )
    await client.query('commit')
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw err
  } finally {
    client.release()
  }
  return { created, unchanged, taken }
}
