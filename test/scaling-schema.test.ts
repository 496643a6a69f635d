import { readFileSync } from 'node:fs'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runMigrations } from '../src/infra/migrate.ts'
import { createScratchDatabase } from './support/test-app.ts'

// docs/scaling.md's Citus table, checked against the migrated schema (the test database has every migration).
const DOC = readFileSync(new URL('../docs/scaling.md', import.meta.url), 'utf8')

type Row = { table: string; role: 'distributed' | 'reference' | 'local'; column: string | null }

function citusTable(doc: string): Row[] {
  const block = /<!-- citus-tables[^>]*-->([\s\S]*?)<!-- \/citus-tables -->/.exec(doc)?.[1] ?? ''
  return block
    .split('\n')
    .filter((line) => /^\|\s*`/.test(line))
    .map((line) => {
      const [table, role, column] = line
        .split('|')
        .slice(1, 4)
        .map((cell) => cell.trim().replace(/`/g, ''))
      return { table, role: role.split(' ')[0] as Row['role'], column: column || null }
    })
}

describe('docs/scaling.md: the path to Citus, against the schema', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>
  let db: pg.Pool
  const rows = citusTable(DOC)
  beforeAll(async () => {
    scratch = await createScratchDatabase()
    if (!scratch) throw new Error('this test needs the real Postgres')
    db = scratch.pool(2)
    await runMigrations(db)
  }, 60_000)
  afterAll(async () => scratch?.drop())

  const tables = async () =>
    (
      await db.query<{ name: string }>(
        `select relname as name from pg_class
         where relnamespace = 'public'::regnamespace and relkind in ('r', 'p') and not relispartition`,
      )
    ).rows.map((r) => r.name)

  it('lists tables that exist, each once, with a role and (distributed) a column', async () => {
    expect(rows.length).toBeGreaterThan(10)
    const existing = new Set(await tables())
    expect(rows.filter((r) => !existing.has(r.table)).map((r) => r.table)).toEqual([])
    expect(new Set(rows.map((r) => r.table)).size).toBe(rows.length)
    for (const r of rows) {
      expect(['distributed', 'reference', 'local']).toContain(r.role)
      expect(r.role === 'distributed').toBe(r.column !== null)
    }
  })

  it('lists every table that has a link_id or content_id column', async () => {
    const { rows: keyed } = await db.query<{ name: string }>(
      `select distinct c.relname as name from pg_attribute a join pg_class c on c.oid = a.attrelid
       where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
         and a.attname in ('link_id', 'content_id') and not a.attisdropped`,
    )
    const listed = new Set(rows.map((r) => r.table))
    expect(keyed.map((k) => k.name).filter((name) => !listed.has(name))).toEqual([])
  })

  it('gives every distributed table its column, in every primary key and unique index (as Citus requires)', async () => {
    for (const r of rows.filter((x) => x.role === 'distributed')) {
      const { rows: columns } = await db.query(
        `select 1 from pg_attribute where attrelid = $1::regclass and attname = $2 and not attisdropped`,
        [r.table, r.column],
      )
      expect(columns, `${r.table}.${r.column}`).toHaveLength(1)
      const { rows: uniques } = await db.query<{ name: string; columns: string[] }>(
        `select i.indexrelid::regclass::text as name,
                array(select a.attname::text from unnest(i.indkey) k join pg_attribute a
                      on a.attrelid = i.indrelid and a.attnum = k) as columns
         from pg_index i where i.indrelid = $1::regclass and i.indisunique`,
        [r.table],
      )
      for (const u of uniques) expect(u.columns, `${u.name} of ${r.table}`).toContain(r.column)
    }
  })

  it('keys every click and rollup table by link_id first, so a link is one shard', async () => {
    for (const r of rows.filter(
      (x) => x.role === 'distributed' && x.table !== 'clicks' && x.table !== 'funnel_events',
    )) {
      const { rows: pk } = await db.query<{ first: string }>(
        `select a.attname as first from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
         where i.indrelid = $1::regclass and i.indisprimary`,
        [r.table],
      )
      expect(
        pk.map((p) => p.first),
        r.table,
      ).toEqual([r.column])
    }
  })
})
