import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runMigrations } from '../../src/infra/migrate.ts'
import { scratchDatabaseBefore } from '../support/schema-before.ts'

let scratch: Awaited<ReturnType<typeof scratchDatabaseBefore>>['scratch']
let pool: pg.Pool

// Kits made before the first publishable key cannot be a publishable key's; kits made after may be.
beforeAll(async () => {
  ;({ scratch, pool } = await scratchDatabaseBefore('015'))
  await pool.query(
    `insert into contents (url, title, created_at) values ('https://a.example/old', 'Old', '2026-01-01T00:00:00Z'), ('https://a.example/new', 'New', '2026-03-01T00:00:00Z')`,
  )
  await pool.query(
    `insert into api_keys (kind, name, prefix, secret_hash, scopes, origins, created_at)
     values ('publishable', 'widget', 'pk_x', decode(repeat('ab', 32), 'hex'), '{shares:write}', '{https://a.example}', '2026-02-01T00:00:00Z')`,
  )
  await pool.query(`insert into visitor_salts (day, salt) values (current_date, decode(repeat('cd', 32), 'hex'))`)
  await runMigrations(pool)
}, 60_000)
afterAll(async () => {
  await scratch?.drop()
})

describe('migration 015 (kit confirmation, no stored visitor salts)', () => {
  it('leaves kits made before any publishable key confirmed, and the ones after unconfirmed', async () => {
    const { rows } = await pool.query(`select title, text_confirmed from contents order by created_at`)
    expect(rows).toEqual([
      { title: 'Old', text_confirmed: true },
      { title: 'New', text_confirmed: false },
    ])
  })

  it('drops the visitor salts', async () => {
    expect((await pool.query(`select to_regclass('visitor_salts') as t`)).rows[0].t).toBeNull()
  })
})
