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
      ['click_rollups_daily', 'clicks'],
      ['share_rollups_daily', 'shares'],
      ['arrival_rollups_daily', 'arrivals'],
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

  it('reads a range of days of visitor-days through an index on day, the primary key still link first', async () => {
    expect(await indexColumns('link_visitors_daily')).toEqual({
      link_visitors_daily_pkey: ['link_id', 'day', 'visitor'],
      link_visitors_daily_day_brin: ['day'],
    })
    await pool.query(
      `insert into link_visitors_daily (link_id, day, visitor)
       select g % 100, date '2026-01-01' + g / 1000, g from generate_series(0, 49999) g`,
    )
    await pool.query('analyze link_visitors_daily')
    const client = await pool.connect()
    try {
      await client.query('set enable_seqscan = off')
      const { rows } = await client.query(
        `explain select count(*) from link_visitors_daily where day >= '2026-01-10' and day <= '2026-01-12'`,
      )
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('link_visitors_daily_day_brin')
    } finally {
      client.release()
    }
  })
})
