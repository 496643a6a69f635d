import type { Pool } from '../infra/database.ts'

/** Where a link was imported from and the click total its old tool had counted; null for a link made here. */
export async function findImportedTotal(
  db: Pick<Pool, 'query'>,
  linkId: string,
): Promise<{ source: string; clicks: number | null } | null> {
  const { rows } = await db.query<{ source: string; clicks: string | null }>(
    'select source, clicks from imported_links where link_id = $1',
    [linkId],
  )
  const row = rows[0]
  return row ? { source: row.source, clicks: row.clicks === null ? null : Number(row.clicks) } : null
}
