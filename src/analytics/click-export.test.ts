import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScratchDatabase } from '../../test/support/test-app.ts'
import type { Pool } from '../infra/database.ts'
import { runMigrations } from '../infra/migrate.ts'
import { clickCsvChunks } from './click-export.ts'

// On a pool of one connection: the export must never hold it between batches while its reader is busy.
// (The same export runs over HTTP in reports.test.ts.)
describe('click export in batches', () => {
  let scratch: NonNullable<Awaited<ReturnType<typeof createScratchDatabase>>>
  let pool: Pool
  const from = new Date('2025-05-01T00:00:00.000Z')
  const to = new Date('2025-05-02T00:00:00.000Z')
  beforeAll(async () => {
    const made = await createScratchDatabase()
    if (!made) throw new Error('this test needs the database of the run')
    scratch = made
    pool = scratch.pool(1)
    await runMigrations(pool)
    const { rows } = await pool.query(
      `insert into links (code, url, channel, topics) values ('emb-a', 'https://example.com/a', 'whatsapp', '{local}'), ('emb-b', 'https://example.com/b', 'email', '{}') returning id`,
    )
    // 300 clicks a few minutes apart, alternating links; several share a timestamp, so the keyset's tie-breakers matter.
    await pool.query(`insert into click_verdicts (id, kind, medium, visibility) values (1, 'human', 'direct', 'dark')`)
    await pool.query(
      `insert into clicks (id, link_id, clicked_at, verdict_id)
       select i, case when i % 2 = 0 then $1::bigint else $2::bigint end, $3::timestamptz + (i / 3) * interval '4 minutes', 1
       from generate_series(1, 300) as i`,
      [rows[0].id, rows[1].id, from],
    )
  }, 60_000)
  afterAll(() => scratch?.drop())

  const exportAll = async (filter: { topic?: string }, batchSize: number, between?: () => Promise<unknown>) => {
    let csv = ''
    for await (const chunk of clickCsvChunks(pool, { from, to, ...filter }, batchSize)) {
      csv += chunk
      // Would wait forever if the export held the pool's only connection while its reader is busy.
      if (between) await between()
    }
    return csv.trimEnd().split('\r\n')
  }

  it('exports every click once, in batches, while other queries run between them', async () => {
    const whole = await exportAll({}, 5_000)
    expect(whole).toHaveLength(301)
    expect(await exportAll({}, 7, () => pool.query('select 1'))).toEqual(whole)
  })

  it('walks bursts and gaps alike: 40 clicks in one millisecond, then single clicks days apart', async () => {
    const burstFrom = new Date('2025-06-01T00:00:00.000Z')
    const { rows } = await pool.query(`select id from links where code = 'emb-a'`)
    await pool.query(
      `insert into clicks (id, link_id, clicked_at, verdict_id)
       select 1000 + i, $1::bigint, case when i <= 40 then $2::timestamptz else $2::timestamptz + (i - 40) * interval '3 days' + interval '1 ms' * i end, 1
       from generate_series(1, 45) as i`,
      [rows[0].id, burstFrom],
    )
    let csv = ''
    for await (const chunk of clickCsvChunks(pool, { from: burstFrom, to: new Date('2025-07-01T00:00:00.000Z') }, 7))
      csv += chunk
    const times = csv
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(',')[0])
    expect(times).toHaveLength(45)
    expect(times.slice(0, 40).every((t) => t === burstFrom.toISOString())).toBe(true)
    expect([...times].sort()).toEqual(times)
  })

  it('filters by topic', async () => {
    const lines = await exportAll({ topic: 'local' }, 25)
    expect(lines).toHaveLength(151)
    expect(lines.slice(1).every((l) => l.split(',')[1] === 'emb-a')).toBe(true)
  })
})
