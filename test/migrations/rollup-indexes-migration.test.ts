import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runMigrations } from '../../src/infra/migrate.ts'
import { createScratchDatabase, requireRealDatabaseUrl } from '../support/test-app.ts'

let scratch: NonNullable<Awaited<ReturnType<typeof createScratchDatabase>>>
let pool: pg.Pool

beforeAll(async () => {
  requireRealDatabaseUrl()
  const made = await createScratchDatabase()
  if (!made) throw new Error('no scratch database')
  scratch = made
  pool = scratch.pool(2)
  await runMigrations(pool)
}, 60_000)
afterAll(async () => {
  await scratch?.drop()
})

/** The columns of each index of a table, key and included, in order. */
async function indexColumns(table: string): Promise<Record<string, string[]>> {
  const { rows } = await pool.query(
    `select i.indexrelid::regclass::text as name, array_agg(a.attname::text order by k.n) as columns
     from pg_index i
     cross join lateral unnest(i.indkey) with ordinality as k(attnum, n)
     join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
     where i.indrelid = $1::regclass
     group by 1`,
    [table],
  )
  return Object.fromEntries(rows.map((r) => [r.name, r.columns]))
}

describe('migrations 035 and 036 (rollup indexes)', () => {
  it('indexes no counter column, so a counter upsert can be HOT', async () => {
    for (const [table, counter] of [
      ['click_rollups_hourly', 'clicks'],
      ['click_dimensions_daily', 'clicks'],
      ['link_uniques_daily', 'visitors'],
    ])
      for (const columns of Object.values(await indexColumns(table))) expect(columns).not.toContain(counter)
    const { rows } = await pool.query(`select reloptions from pg_class where oid = 'click_rollups_hourly'::regclass`)
    expect(rows[0].reloptions).toContain('fillfactor=70')
  })

  it('updates an hourly rollup row without new index entries (HOT)', async () => {
    const upsert = `insert into click_rollups_hourly as r (link_id, hour, kind, clicks) values (1, '2026-01-01T10:00:00Z', 'human', 1)
                    on conflict (link_id, hour, kind, medium, app, visibility) do update set clicks = r.clicks + excluded.clicks`
    const client = await pool.connect()
    try {
      await client.query(upsert)
      for (let i = 0; i < 5; i++) await client.query(upsert)
      // Statistics reach the views when a session flushes them: ask for it, then wait for them to show.
      await client.query('select pg_stat_force_next_flush()')
      await client.query('select 1')
    } finally {
      client.release()
    }
    let hot = 0
    for (let i = 0; i < 50 && hot < 5; i++) {
      const { rows } = await pool.query(
        `select n_tup_hot_upd::int as hot from pg_stat_user_tables where relname = 'click_rollups_hourly'`,
      )
      hot = rows[0].hot
      if (hot < 5) await new Promise((r) => setTimeout(r, 100))
    }
    expect(hot).toBe(5)
    const { rows } = await pool.query(`select clicks::int from click_rollups_hourly`)
    expect(rows).toEqual([{ clicks: 6 }])
  })

  it('keys visitor-days by day first, so a range of days is read through the primary key', async () => {
    expect(await indexColumns('link_visitors_daily')).toEqual({
      link_visitors_daily_pkey: ['day', 'link_id', 'visitor'],
    })
    await pool.query(
      `insert into link_visitors_daily (link_id, day, visitor) values (1, '2026-01-01', 7), (2, '2026-01-01', 7)`,
    )
    await pool.query(
      `insert into link_visitors_daily (link_id, day, visitor) values (1, '2026-01-01', 7) on conflict do nothing`,
    )
    const { rows } = await pool.query(`select link_id::int, visitors::int from link_uniques_daily order by 1`)
    expect(rows).toEqual([
      { link_id: 1, visitors: 1 },
      { link_id: 2, visitors: 1 },
    ])
  })
})
