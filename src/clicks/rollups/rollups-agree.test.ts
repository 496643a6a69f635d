import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateClicks } from '../../../test/support/click-dataset.ts'
import { createScratchDatabase, requireRealDatabaseUrl } from '../../../test/support/test-app.ts'
import { runMigrations } from '../../infra/migrate.ts'
import type { DescribedClassification } from '../classify/classification.ts'
import { COPY_BINARY_HEADER, MAX_CLICK_ROW_BYTES, writeClickRow } from '../click-kind/click-row.ts'
import { createClickBatchWriter, type ClickBatch } from '../click-kind/write-click-batch.ts'
import type { ClickRecord } from '../click-record.ts'
import { reclassifyClicks } from '../reclassify/reclassify-clicks.ts'
import { createClickVerdict } from '../verdicts/click-verdict.ts'
import { createBatchRollups } from './batch-rollups.ts'
import { cityKey, ROLLUPS } from './rollup-keys.ts'

// The same clicks rolled up three ways, all derived from rollup-keys.ts: counted in memory by a fresh
// batch (batch-rollups.ts), in SQL by a careful one (write-click-batch.ts), and by reclassification's
// deltas (reclassify-clicks.ts) moving clicks stored under other labels to theirs. All three must agree.
let scratch: NonNullable<Awaited<ReturnType<typeof createScratchDatabase>>>
let pool: pg.Pool

beforeAll(async () => {
  requireRealDatabaseUrl()
  scratch = (await createScratchDatabase())!
  pool = scratch.pool(4)
  await runMigrations(pool)
})
afterAll(async () => {
  await scratch?.drop()
})

const newLink = async (code: string) =>
  String(
    (await pool.query(`insert into links (code, url) values ($1, 'https://example.com/') returning id`, [code])).rows[0]
      .id,
  )

const labelOf = (c: ClickRecord): DescribedClassification => ({
  kind: c.kind,
  medium: c.medium,
  app: c.app,
  visibility: c.visibility,
  reason: '',
  browser: c.browser!,
  os: c.os!,
  device: c.device!,
})

/** One batch of the clicks, with its rows in memory and its verdicts; `fresh` adds its rollups counted in memory. */
function batchOf(
  clicks: readonly (ClickRecord & { rule: number | null; region: string | null; city: string | null })[],
  labels: (c: ClickRecord) => DescribedClassification,
  fresh: boolean,
): ClickBatch {
  const rollups = createBatchRollups()
  const rows = Buffer.alloc(COPY_BINARY_HEADER.length + clicks.length * MAX_CLICK_ROW_BYTES)
  let end = COPY_BINARY_HEADER.copy(rows)
  const verdicts = new Map<string, string>()
  const labelObjects = new Map<string, DescribedClassification>()
  for (const c of clicks) {
    const v = createClickVerdict(c.userAgent ?? '', c.referrer ?? '', c.requestedWith ?? '', labels(c))
    verdicts.set(v.id, v.line)
    // As the memo hands them out: one label object per verdict.
    if (!labelObjects.has(v.id)) labelObjects.set(v.id, v.label)
    end = writeClickRow(
      rows,
      end,
      c.id,
      Number(c.linkId),
      c.at,
      v.idHigh,
      v.idLow,
      c.visitor,
      c.language,
      c.country,
      c.rule,
      c.region,
      c.city,
    )
    const city = cityKey(c.country, c.region, c.city)
    rollups.add(c.linkId, c.at, c.visitor, labelObjects.get(v.id)!, c.country, c.rule, city)
  }
  return {
    rows: { file: null, chunks: [rows.subarray(0, end)] },
    verdicts: [...verdicts.values()].join(''),
    count: clicks.length,
    losses: [],
    rollups: fresh ? rollups : null,
  }
}

/** Every rollup row of a link, without the link id. */
async function rollupsOf(linkId: string) {
  const rows = async (sql: string) => (await pool.query(sql, [linkId])).rows
  return {
    hourly: await rows(
      `select hour, ${ROLLUPS.hourly.labels.join(', ')}, clicks::int from ${ROLLUPS.hourly.table} where link_id = $1 and clicks <> 0 order by 1, 2, 3, 4, 5`,
    ),
    dimensions: await rows(
      `select day::text, dimension, value, clicks::int from ${ROLLUPS.dimensions.table} where link_id = $1 and clicks <> 0 order by 1, 2, 3`,
    ),
    visitors: await rows(`select day::text, visitor from ${ROLLUPS.visitors.table} where link_id = $1 order by 1, 2`),
    uniques: await rows(
      `select day::text, visitors::int from link_uniques_daily where link_id = $1 and visitors <> 0 order by 1`,
    ),
  }
}

describe('rollups counted in JS and in SQL', () => {
  it('agree: a fresh batch (in memory), a careful batch (SQL) and a reclassification (SQL deltas) give the same rows', async () => {
    // Over a day boundary, every kind, labels and dimensions missing now and then, one user agent per true label.
    const base = generateClicks({
      linkIds: ['0'],
      count: 600,
      fromMs: Date.UTC(2026, 10, 28, 21),
      toMs: Date.UTC(2026, 10, 29, 3),
      seed: 14,
    })
    const agents = new Map<string, DescribedClassification>()
    const clicks = base.map((c, i) => {
      const click = { ...c, browser: i % 7 === 0 ? null : c.browser, device: i % 11 === 0 ? null : c.device }
      const label = labelOf(click)
      const ua = `agent ${JSON.stringify(label)}`
      agents.set(ua, label)
      // Which rule answered: none for some (a link without rules), 0 (no match) or a rule for the others.
      // The city, for some of the clicks with a country: with and without a region, and one name in two regions.
      const places = [
        { region: 'IDF', city: 'Paris' },
        { region: null, city: 'Paris' },
        { region: 'TX', city: 'Paris' },
        { region: 'BY', city: 'München' },
        { region: null, city: null },
      ]
      const place = c.country === null ? { region: null, city: null } : places[i % places.length]
      return { ...click, userAgent: ua, rule: i % 5 === 0 ? null : i % 3, ...place }
    })
    const [fresh, careful, relabelled] = [await newLink('fresh'), await newLink('careful'), await newLink('relabelled')]
    const on = (linkId: string, firstId: number) => clicks.map((c, i) => ({ ...c, linkId, id: firstId + i }))
    const write = createClickBatchWriter(pool)

    expect(await write(batchOf(on(fresh, 1_000_000), labelOf, true))).toEqual({ inserted: clicks.length })
    expect(await write(batchOf(on(careful, 2_000_000), labelOf, false))).toEqual({ inserted: clicks.length })
    // Stored under labels older rules gave (every click a person, direct, on an 'old' browser), counted in memory…
    const old = (c: ClickRecord): DescribedClassification => ({
      ...labelOf(c),
      kind: 'human',
      medium: 'direct',
      app: null,
      visibility: 'dark',
      browser: 'old',
      os: 'old',
      device: 'old',
    })
    expect(await write(batchOf(on(relabelled, 3_000_000), old, true))).toEqual({ inserted: clicks.length })
    // …then relabelled by the rules of today.
    const progress = await reclassifyClicks(pool, (v) => agents.get(v.user_agent!)!, { since: new Date(0) })
    expect(progress.changed).toBe(clicks.length)

    const inMemory = await rollupsOf(fresh)
    expect(inMemory.hourly.map((r) => r.kind)).toEqual(expect.arrayContaining(['human', 'preview', 'bot']))
    expect(inMemory.dimensions.map((r) => r.value)).toContain('unknown')
    // Countries come from the click rows, not their verdicts: counted per country, 'unknown' when none.
    const countries = inMemory.dimensions.filter((r) => r.dimension === 'country').map((r) => r.value)
    expect(countries).toEqual(expect.arrayContaining(['FR', 'DE', 'unknown']))
    expect(inMemory.dimensions.filter((r) => r.dimension === 'rule').map((r) => r.value)).toEqual(
      expect.arrayContaining(['0', '1', '2']),
    )
    // Cities as country/region/city, only for clicks that have one.
    const cities = new Set(inMemory.dimensions.filter((r) => r.dimension === 'city').map((r) => r.value))
    expect(cities).toEqual(
      new Set([
        'FR/IDF/Paris',
        'FR//Paris',
        'FR/TX/Paris',
        'FR/BY/München',
        'DE/IDF/Paris',
        'DE//Paris',
        'DE/TX/Paris',
        'DE/BY/München',
      ]),
    )
    expect(inMemory.dimensions.map((r) => r.day)).toEqual(expect.arrayContaining(['2026-11-28', '2026-11-29']))
    expect(inMemory.visitors.length).toBeGreaterThan(0)
    expect(await rollupsOf(careful)).toEqual(inMemory)
    expect(await rollupsOf(relabelled)).toEqual(inMemory)
  })
})
