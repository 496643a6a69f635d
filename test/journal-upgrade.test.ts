import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { COPY_BINARY_HEADER, MAX_CLICK_ROW_BYTES, writeClickRow } from '../src/clicks/click-kind/click-row.ts'
import { createClickVerdict } from '../src/clicks/verdicts/click-verdict.ts'
import { clickCounts, rollupMismatches } from './support/click-accounting.ts'
import { auth, eventually, startTestApp, type TestApp } from './support/test-app.ts'

// An upgrade with clicks still in the journal: segments an older process wrote, with rows of 7 fields (before
// rules) and 8 (before region and city), are replayed by this one at start, each click written exactly once,
// also when the same segment is on disk twice (a crash between the commit and the segment's removal).
const dataDir = mkdtempSync(join(tmpdir(), 'umbra-upgrade-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const HUMAN = createClickVerdict('Mozilla/5.0 (upgrade test) Chrome/124.0', '', '', {
  kind: 'human',
  medium: 'direct',
  app: null,
  visibility: 'dark',
  reason: '',
  browser: 'Chrome',
  os: 'Windows',
  device: 'desktop',
})

/** A segment's rows as a process of `fields` fields a row wrote them: today's rows without the fields it lacked (all null). */
function olderSegment(fields: 7 | 8, linkId: number, ids: number[], at: number): Buffer {
  const buf = Buffer.alloc(COPY_BINARY_HEADER.length + ids.length * MAX_CLICK_ROW_BYTES)
  let end = COPY_BINARY_HEADER.copy(buf)
  for (const id of ids) {
    const start = end
    const rule = fields === 8 ? id % 2 : null
    end = writeClickRow(buf, end, id, linkId, at + (id % 1_000), HUMAN.idHigh, HUMAN.idLow, id, 'fr', 'FR', rule)
    end -= 4 * (10 - fields) // the trailing NULL fields the older row did not have
    buf.writeInt16BE(fields, start)
  }
  return buf.subarray(0, end)
}

describe('an upgrade with clicks left in the journal', () => {
  let t: TestApp | null = null
  afterAll(async () => {
    await t?.app.close()
  })

  it('replays rows of older field counts: every click once, rollups right', async () => {
    // A first run makes the link and stops, leaving DATA_DIR (and its journal directory) behind.
    const first = await startTestApp({ DATA_DIR: dataDir })
    const created = await first.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: auth,
      payload: { url: 'https://example.com/upgrade' },
    })
    const code = created.json().code as string
    const linkId = Number((await first.app.pg.query('select id from links where code = $1', [code])).rows[0].id)
    await first.app.close()

    const journal = join(dataDir, 'journal')
    const at = Date.now() - 60_000
    const segments: [string, Buffer][] = [
      ['seg-1-000000001', olderSegment(7, linkId, [9_000_001, 9_000_002, 9_000_003], at)],
      ['seg-1-000000002', olderSegment(8, linkId, [9_000_004, 9_000_005], at)],
      // The second segment again, as if its batch committed and the process died before removing it.
      ['seg-1-000000003', olderSegment(8, linkId, [9_000_004, 9_000_005], at)],
    ]
    for (const [name, rows] of segments) {
      writeFileSync(join(journal, `${name}.bin`), rows)
      writeFileSync(join(journal, `${name}.verdicts`), HUMAN.line)
    }

    t = await startTestApp({ DATA_DIR: dataDir })
    const pg = t.app.pg
    await eventually(async () => (await clickCounts(pg, [String(linkId)])).clicks >= 5, 10_000)
    await eventually(async () => readdirSync(journal).filter((f) => f.startsWith('seg-1-')).length === 0, 10_000)
    expect(await clickCounts(pg, [String(linkId)])).toEqual({ clicks: 5, duplicated: 0 })
    const stored = await pg.query(
      'select id::int, rule, country, region, city from clicks where link_id = $1 order by id',
      [linkId],
    )
    expect(stored.rows).toEqual([
      { id: 9_000_001, rule: null, country: 'FR', region: null, city: null },
      { id: 9_000_002, rule: null, country: 'FR', region: null, city: null },
      { id: 9_000_003, rule: null, country: 'FR', region: null, city: null },
      { id: 9_000_004, rule: 0, country: 'FR', region: null, city: null },
      { id: 9_000_005, rule: 1, country: 'FR', region: null, city: null },
    ])
    expect(await rollupMismatches(pg, [String(linkId)])).toEqual([])
    const stats = (await t.app.inject({ url: `/api/v1/links/${code}/stats`, headers: auth })).json()
    expect(stats).toMatchObject({ clicks: 5, byCountry: { FR: 5 }, byRule: { '0': 1, '1': 1 }, byCity: {} })
  })
})
