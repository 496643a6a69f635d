import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runMigrations } from '../../src/infra/migrate.ts'
import { scratchDatabaseBefore } from '../support/schema-before.ts'

let scratch: Awaited<ReturnType<typeof scratchDatabaseBefore>>['scratch']
let pool: pg.Pool

// Hourly rollups written before 046: its daily tables start as their sums by UTC day.
beforeAll(async () => {
  ;({ scratch, pool } = await scratchDatabaseBefore('046'))
  await pool.query(
    `insert into click_rollups_hourly (link_id, hour, kind, medium, app, visibility, clicks) values
     (1, '2026-01-01T22:00:00Z', 'human', 'direct', '', 'dark', 3), (1, '2026-01-01T23:00:00Z', 'human', 'direct', '', 'dark', 4),
     (1, '2026-01-02T00:00:00Z', 'human', 'direct', '', 'dark', 5), (1, '2026-01-01T23:00:00Z', 'head', '', '', '', 2),
     (2, '2026-01-01T10:00:00Z', 'preview', '', 'whatsapp', '', 1)`,
  )
  await pool.query(
    `insert into share_rollups_hourly values (7, '2026-01-01T10:00:00Z', 'x', 2), (7, '2026-01-01T11:00:00Z', 'x', 3)`,
  )
  await pool.query(
    `insert into arrival_rollups_hourly values (7, '2026-01-01T10:00:00Z', 'direct', '', 'dark', 'via_short_link', 0, 4),
     (7, '2026-01-02T10:00:00Z', 'direct', '', 'dark', 'via_short_link', 0, 1)`,
  )
  await runMigrations(pool)
}, 60_000)
afterAll(async () => {
  await scratch?.drop()
})

describe('migration 046 (daily rollups)', () => {
  it('fills the daily rollups with the hourly ones summed by UTC day', async () => {
    const clicks = await pool.query(
      `select link_id::int, to_char(day, 'YYYY-MM-DD') as day, kind, clicks::int from click_rollups_daily order by 1, 2, 3`,
    )
    expect(clicks.rows).toEqual([
      { link_id: 1, day: '2026-01-01', kind: 'head', clicks: 2 },
      { link_id: 1, day: '2026-01-01', kind: 'human', clicks: 7 },
      { link_id: 1, day: '2026-01-02', kind: 'human', clicks: 5 },
      { link_id: 2, day: '2026-01-01', kind: 'preview', clicks: 1 },
    ])
    const shares = await pool.query(`select to_char(day, 'YYYY-MM-DD') as day, shares::int from share_rollups_daily`)
    expect(shares.rows).toEqual([{ day: '2026-01-01', shares: 5 }])
    const arrivals = await pool.query(
      `select to_char(day, 'YYYY-MM-DD') as day, arrivals::int from arrival_rollups_daily order by 1`,
    )
    expect(arrivals.rows).toEqual([
      { day: '2026-01-01', arrivals: 4 },
      { day: '2026-01-02', arrivals: 1 },
    ])
  })
})
