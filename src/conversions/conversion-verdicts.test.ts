import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScratchDatabase, requireRealDatabaseUrl } from '../../test/support/test-app.ts'
import { collectVerdicts } from '../clicks/retention/collect-verdicts.ts'
import { runMigrations } from '../infra/migrate.ts'

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>

beforeAll(async () => {
  requireRealDatabaseUrl()
  scratch = await createScratchDatabase()
})
afterAll(() => scratch?.drop())

describe('verdict collection and conversions', () => {
  it('keeps the verdict of a conversion whose raw click is gone, and collects an unused one', async () => {
    if (!scratch) throw new Error('needs the real Postgres')
    const pool = scratch.pool(2)
    await runMigrations(pool)
    const old = "'2020-01-01'"
    await pool.query(`insert into click_verdicts (id, kind, medium, visibility, listed_on) values
      (1, 'human', 'in_app', 'dark', ${old}), (2, 'human', 'direct', 'dark', ${old})`)
    const link = (await pool.query(`insert into links (code, url) values ('kept', 'https://e.x/') returning id`))
      .rows[0].id
    await pool.query(
      `insert into conversions (click_id, clicked_at, link_id, verdict_id, event) values (7, now(), $1, 1, 'lead')`,
      [link],
    )
    const client = await pool.connect()
    try {
      expect(await collectVerdicts(client)).toBe(1)
    } finally {
      client.release()
    }
    const { rows } = await pool.query('select id from click_verdicts order by id')
    expect(rows.map((r) => Number(r.id))).toEqual([1])
  })
})
