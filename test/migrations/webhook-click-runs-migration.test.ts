import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runMigrations } from '../../src/infra/migrate.ts'
import { scratchDatabaseBefore } from '../support/schema-before.ts'

let scratch: Awaited<ReturnType<typeof scratchDatabaseBefore>>['scratch']
let pool: pg.Pool

// A click event recorded before 042 listed its clicks as arrays; after it, the event keeps them as delivered.
beforeAll(async () => {
  ;({ scratch, pool } = await scratchDatabaseBefore('042'))
  const link = (
    await pool.query(
      `insert into links (code, url, channel, topics) values ('old-hook', 'https://example.com/', 'email', '{a,b}') returning id`,
    )
  ).rows[0].id
  const verdict = (
    await pool.query(
      `insert into click_verdicts (id, user_agent, referrer, requested_with, kind, medium, app, visibility, browser, os, device)
       values (42, 'UA', '', '', 'human', 'email', null, 'dark', 'x', 'y', 'z') returning id`,
    )
  ).rows[0].id
  await pool.query(
    `insert into webhook_events (type, data, click_ids, click_link_ids, click_verdict_ids, click_times_ms, click_countries)
     values ('click', '{}', '{7,9}', $1, $2, '{1764412500123,1764412500999}', '{DE,NULL}')`,
    [
      [link, link],
      [verdict, verdict],
    ],
  )
  await runMigrations(pool)
}, 60_000)
afterAll(async () => {
  await scratch?.drop()
})

describe('migration 042 (click events as runs)', () => {
  it('keeps the clicks of events recorded before it, as a delivery lists them', async () => {
    const { rows } = await pool.query(`select clicks::text from webhook_events where type = 'click'`)
    expect(rows[0].clicks).toBe(
      '[{"id":"7","code":"old-hook","contentId":null,"topics":["a","b"],"campaign":null,"channel":"email","medium":"email","app":null,"visibility":"dark","country":"DE","at":"2025-11-29T10:35:00.123Z"},' +
        '{"id":"9","code":"old-hook","contentId":null,"topics":["a","b"],"campaign":null,"channel":"email","medium":"email","app":null,"visibility":"dark","country":null,"at":"2025-11-29T10:35:00.999Z"}]',
    )
  })

  it('drops the arrays', async () => {
    const { rows } = await pool.query(
      `select column_name from information_schema.columns where table_name = 'webhook_events' and column_name like 'click%' order by 1`,
    )
    expect(rows.map((r) => r.column_name)).toEqual([
      'click_first_at',
      'click_first_id',
      'click_last_at',
      'click_last_id',
      'clicks',
    ])
  })
})
