import type { Pool } from '../../src/infra/database.ts'

/** Row count and a checksum of every row of every table: equal snapshots mean no table changed. */
export async function snapshotTables(db: Pick<Pool, 'query'>): Promise<Record<string, string>> {
  const { rows: tables } = await db.query(
    `select quote_ident(table_name) as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  )
  const snapshot: Record<string, string> = {}
  for (const { name } of tables) {
    const { rows } = await db.query(
      `select count(*) as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum from ${name} t`,
    )
    snapshot[name] = `${rows[0].n}:${rows[0].sum}`
  }
  return snapshot
}
