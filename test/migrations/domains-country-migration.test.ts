import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runMigrations } from '../../src/infra/migrate.ts'
import { scratchDatabaseBefore } from '../support/schema-before.ts'

let scratch: Awaited<ReturnType<typeof scratchDatabaseBefore>>['scratch']
let pool: pg.Pool

// Links and clicks stored before domains and the country dimension: they land on the default domain, and
// the human clicks already stored are counted by country.
beforeAll(async () => {
  ;({ scratch, pool } = await scratchDatabaseBefore('029'))
  const link = (await pool.query(`insert into links (code, url) values ('old', 'https://example.com/') returning id`))
    .rows[0].id
  const verdict = (kind: string) =>
    `click_verdict_id('ua', null, null, '${kind}', null, null, null, 'Chrome', 'Windows', 'desktop')`
  await pool.query(
    `insert into click_verdicts select ${verdict('human')}, 'ua', null, null, 'human', null, null, null, 'Chrome', 'Windows', 'desktop'`,
  )
  await pool.query(
    `insert into click_verdicts select ${verdict('bot')}, 'ua', null, null, 'bot', null, null, null, 'Chrome', 'Windows', 'desktop'`,
  )
  await pool.query(
    `insert into clicks (id, link_id, clicked_at, verdict_id, country) values
       (1, $1, '2026-11-01T10:00:00Z', ${verdict('human')}, 'FR'),
       (2, $1, '2026-11-01T11:00:00Z', ${verdict('human')}, 'FR'),
       (3, $1, '2026-11-02T10:00:00Z', ${verdict('human')}, null),
       (4, $1, '2026-11-02T10:00:00Z', ${verdict('bot')}, 'US')`,
    [link],
  )
  await runMigrations(pool)
}, 60_000)
afterAll(async () => {
  await scratch?.drop()
})

describe('migrations 029 (domains) and 030 (country dimension)', () => {
  it('puts existing links on the default domain and lets the same code live on another', async () => {
    expect((await pool.query(`select domain, code from links`)).rows).toEqual([{ domain: '', code: 'old' }])
    await pool.query(`insert into domains (host) values ('go.brand.test')`)
    await pool.query(`insert into links (domain, code, url) values ('go.brand.test', 'old', 'https://example.com/b')`)
    await expect(pool.query(`insert into links (code, url) values ('old', 'https://example.com/c')`)).rejects.toThrow(
      /links_domain_code_key/,
    )
  })

  it('counts the human clicks already stored by country, per day', async () => {
    const { rows } = await pool.query(
      `select day::text, value, clicks::int from click_dimensions_daily where dimension = 'country' order by 1, 2`,
    )
    expect(rows).toEqual([
      { day: '2026-11-01', value: 'FR', clicks: 2 },
      { day: '2026-11-02', value: 'unknown', clicks: 1 },
    ])
  })

  it('refuses host names a Host header could not carry', async () => {
    await expect(pool.query(`insert into domains (host) values ('Bad_Host.example')`)).rejects.toThrow(/check/)
  })
})
