import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { referenceClickCsv } from '../../test/support/reference-click-csv.ts'
import { createScratchDatabase } from '../../test/support/test-app.ts'
import type { Pool } from '../infra/database.ts'
import { runMigrations } from '../infra/migrate.ts'
import { type ClickExportFilter, openClickExport } from './click-export.ts'
import { csvCell } from './csv.ts'

// Cells a spreadsheet or a CSV parser could trip on: separators, quotes, line breaks, formula starts, unicode.
const TRICKY = [
  'plain',
  '',
  null,
  'a,b',
  'say "hi"',
  'line\nbreak',
  'cr\rlf\r\n',
  '=SUM(A1:A9)',
  '+1',
  '-1',
  '@cmd',
  '\tTab first',
  '\rCR first',
  '=a,"b"\n',
  'ünïcödé 🎉',
  '日本語',
  "'already quoted",
  ' spaces ',
  'back\\slash',
  'pipe|inside',
  'mid=dle+-@',
]

describe('csv_cell (migration 045) writes what csvCell writes', () => {
  let scratch: NonNullable<Awaited<ReturnType<typeof createScratchDatabase>>>
  let pool: Pool
  beforeAll(async () => {
    const made = await createScratchDatabase()
    if (!made) throw new Error('this test needs the database of the run')
    scratch = made
    pool = scratch.pool(2)
    await runMigrations(pool)
  }, 60_000)
  afterAll(() => scratch?.drop())

  it.each(TRICKY.map((value) => ({ value })))('$value', async ({ value }) => {
    const { rows } = await pool.query('select csv_cell($1::text) as cell', [value])
    expect(rows[0].cell).toBe(csvCell(value))
  })
})

describe('click export: one cursor, Postgres writing the lines', () => {
  let scratch: NonNullable<Awaited<ReturnType<typeof createScratchDatabase>>>
  let pool: Pool
  let linkIds: string[]
  const from = new Date('2025-05-01T00:00:00.000Z')
  const to = new Date('2025-05-02T00:00:00.000Z')
  const n = TRICKY.length
  beforeAll(async () => {
    const made = await createScratchDatabase()
    if (!made) throw new Error('this test needs the database of the run')
    scratch = made
    pool = scratch.pool(1)
    await runMigrations(pool)
    const content = await pool.query(`insert into contents (url) values ('https://example.com/c') returning id`)
    // Every tricky value in every exported column: link fields, verdict labels and the click's own.
    const links = await pool.query(
      `insert into links (code, url, channel, campaign, topics, content_id)
       select 'c' || i, 'https://example.com/' || i, v[1 + (i + 1) % $2], v[1 + i], array['all', v[1 + (i + 2) % $2], v[1 + (i + 3) % $2]],
              case when i % 2 = 0 then $3::bigint end
       from generate_series(0, $2 - 1) i, (select $1::text[] as v) t
       order by i returning id`,
      [TRICKY, n, content.rows[0].id],
    )
    linkIds = links.rows.map((r) => r.id)
    await pool.query(
      `insert into click_verdicts (id, kind, medium, app, visibility, browser, os, device)
       select i + 1, coalesce(v[1 + i], 'human'), v[1 + (i + 1) % $2], v[1 + (i + 2) % $2], v[1 + (i + 3) % $2], v[1 + (i + 4) % $2],
              v[1 + (i + 5) % $2], v[1 + (i + 6) % $2]
       from generate_series(0, $2 - 1) i, (select $1::text[] as v) t`,
      [TRICKY, n],
    )
    // Microsecond times, three clicks on each (so the order's tie-breakers matter), some outside the range.
    await pool.query(
      `insert into clicks (id, link_id, clicked_at, verdict_id, country, language)
       select k, ($1::bigint[])[1 + k % $3], $4::timestamptz + (k / 3) * interval '1.234567 s' - interval '1 minute',
              1 + (k * 7) % $3, v[1 + k % $3], v[1 + (k + 5) % $3]
       from generate_series(1, 900) k, (select $2::text[] as v) t`,
      [linkIds, TRICKY, n, from],
    )
  }, 60_000)
  afterAll(() => scratch?.drop())

  const exported = async (f: ClickExportFilter, fetchRows?: number) => {
    let csv = ''
    let slices = 0
    for await (const slice of (await openClickExport(pool, f, { fetchRows })).lines) {
      csv += slice
      slices++
    }
    return { csv, slices }
  }

  it.each([
    { name: 'the whole range', f: () => ({ from, to }) },
    { name: 'a topic', f: () => ({ from, to, topic: 'all' }) },
    { name: 'a topic with a comma and a quote', f: () => ({ from, to, topic: '=a,"b"\n' }) },
    { name: 'one link', f: () => ({ from, to, linkId: linkIds[3] }) },
    { name: 'a link and a topic it lacks', f: () => ({ from, to, linkId: linkIds[3], topic: 'plain' }), none: true },
    {
      name: 'a range cut inside a run of ties',
      f: () => ({ from: new Date('2025-05-01T00:00:00.500Z'), to: new Date('2025-05-01T00:05:00.000Z') }),
    },
  ])('writes the bytes the JS export wrote: $name', async ({ f, none }) => {
    const filter = f()
    const expected = await referenceClickCsv(pool, filter)
    // The header and its line end, then rows unless the filter matches none.
    expect(expected.split('\r\n').length > 2).toBe(!none)
    const { csv } = await exported(filter)
    expect(csv).toBe(expected)
  })

  it('gives the same text in slices of a few rows, one FETCH each', async () => {
    const whole = await exported({ from, to })
    const sliced = await exported({ from, to }, 7)
    expect(sliced.csv).toBe(whole.csv)
    expect(whole.slices).toBe(2)
    expect(sliced.slices).toBeGreaterThan(100)
  })

  it('frees its connection when the reader stops early', async () => {
    const { lines } = await openClickExport(pool, { from, to }, { fetchRows: 7 })
    await lines.next()
    await lines.next()
    await lines.return(undefined)
    // The pool has one connection: this waits forever if the export kept it.
    const { rows } = await pool.query(
      `select count(*)::int as open from pg_stat_activity
       where datname = current_database() and state like 'idle in transaction%'`,
    )
    expect(rows[0].open).toBe(0)
  })

  it('frees its connection when disposed unread, and then yields nothing', async () => {
    const exported = await openClickExport(pool, { from, to })
    exported.dispose()
    expect((await pool.query('select 1 as one')).rows[0].one).toBe(1)
    expect(await exported.lines.next()).toEqual({ done: true, value: undefined })
  })

  it('frees its connection when the query fails before the first row', async () => {
    await expect(openClickExport(pool, { from, to, linkId: 'not a number' })).rejects.toThrow(/bigint/)
    expect((await pool.query('select 1 as one')).rows[0].one).toBe(1)
  })
})
