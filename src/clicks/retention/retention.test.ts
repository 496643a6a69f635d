import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateClicks, recordClicks } from '../../../test/support/click-dataset.ts'
import { auth, createScratchDatabase, startTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { partitionsPast } from './drop-raw-partitions.ts'

const DAY = 86_400_000
const monthsAgo = (n: number) => {
  const d = new Date()
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 10)
}
const monthName = (ms: number) => new Date(ms).toISOString().slice(0, 7).replace('-', '_')

describe('monthly partitions past a cutoff', () => {
  const names = ['clicks_2024_01', 'clicks_2024_02', 'clicks_default', 'funnel_events_2024_01', 'clicks_2024_1'].map(
    (name) => ({ name, table: name.startsWith('funnel') ? ('funnel_events' as const) : ('clicks' as const) }),
  )
  it.each([
    ['2024-02-01T00:00:00Z', ['clicks_2024_01', 'funnel_events_2024_01']],
    ['2024-01-31T23:59:59Z', []],
    ['2024-03-01T00:00:00Z', ['clicks_2024_01', 'clicks_2024_02', 'funnel_events_2024_01']],
  ])('cutoff %s drops %j (whole months only, never the default partition)', (cutoff, expected) => {
    expect(partitionsPast(names, new Date(cutoff)).map((p) => p.name)).toEqual(expected)
  })
})

describe('RAW_CLICK_RETENTION on real Postgres', () => {
  let scratch: NonNullable<Awaited<ReturnType<typeof createScratchDatabase>>>
  let t: TestApp
  let code: string
  let linkId: string
  const sql = async (text: string, params: unknown[] = []) => (await t.app.pg.query(text, params)).rows
  const stats = async () => {
    const [from, to] = [new Date(monthsAgo(30)).toISOString(), new Date(monthsAgo(-1)).toISOString()]
    const res = await t.app.inject({ url: `/api/v1/links/${code}/stats?from=${from}&to=${to}`, headers: auth })
    expect(res.statusCode).toBe(200)
    return res.json()
  }
  const rawClicks = async () => Number((await sql('select count(*) from clicks where link_id = $1', [linkId]))[0].count)

  beforeAll(async () => {
    const db = await createScratchDatabase()
    if (!db) throw new Error('this test needs the real Postgres')
    scratch = db
    t = await startTestApp({ DATABASE_URL: scratch.url, RAW_CLICK_RETENTION: '400d' })
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: auth,
      payload: { url: 'https://example.org/retention' },
    })
    code = res.json().code
    linkId = (await sql('select id::text from links where code = $1', [code]))[0].id
    // 26 months ago has a partition of its own; 20 months ago has none, so its clicks are in clicks_default.
    await sql(`select ensure_click_partitions(to_timestamp($1 / 1000.0), 1)`, [monthsAgo(26)])
    const month = (n: number, seed: number, firstId: number) =>
      generateClicks({
        linkIds: [linkId],
        count: 300,
        fromMs: monthsAgo(n),
        toMs: monthsAgo(n) + 5 * DAY,
        seed,
        firstId,
      })
    // Old clicks with referrers of their own (spam): verdicts that no kept click will use.
    const old = [...month(26, 1, 2 ** 50), ...month(20, 2, 2 ** 50 + 1000)].map((c, i) => ({
      ...c,
      referrer: i % 10 === 0 ? `https://spam-${i}.example/` : null,
    }))
    await recordClicks(t.app, [...old, ...month(0, 3, 2 ** 50 + 2000).map((c) => ({ ...c, at: Date.now() - DAY }))])
    // The spam verdicts were listed (by this writer, today) long ago, as they would have been.
    await sql(`update click_verdicts set listed_on = current_date - 600 where referrer like 'https://spam-%'`)
  }, 60_000)

  afterAll(async () => {
    await t?.close()
    await scratch?.drop()
  })

  it('drops the raw months past it and collects unused verdicts, while stats and uniques stay exact', async () => {
    const before = await stats()
    const partition = `clicks_${monthName(monthsAgo(26))}`
    expect(await sql('select 1 from pg_class where relname = $1', [partition])).toHaveLength(1)
    const defaultRows = Number((await sql(`select count(*) from clicks_default where link_id = $1`, [linkId]))[0].count)
    expect(defaultRows).toBe(300)
    const spamVerdicts = (
      await sql(`select count(*)::int as n from click_verdicts where referrer like 'https://spam-%'`)
    )[0].n
    expect(spamVerdicts).toBe(60)
    expect(await rawClicks()).toBe(900)

    const run = await t.app.retention.run()
    expect(run?.dropped?.partitions.map((p) => p.name)).toContain(partition)
    expect(run?.dropped?.partitions.map((p) => p.name)).toContain(`funnel_events_${monthName(monthsAgo(26))}`)
    expect(run?.dropped?.defaultRows.clicks).toBe(300)
    expect(run?.verdictsCollected).toBe(spamVerdicts)

    expect(await sql('select 1 from pg_class where relname = $1', [partition])).toHaveLength(0)
    expect(await rawClicks()).toBe(300)
    expect(await sql(`select 1 from click_verdicts where referrer like 'https://spam-%'`)).toHaveLength(0)
    // Every kept click still has its verdict.
    expect(
      await sql('select 1 from clicks c where not exists (select 1 from click_verdicts v where v.id = c.verdict_id)'),
    ).toEqual([])
    const after = await stats()
    expect(after).toEqual(before)
    // Every click recorded, the dropped ones included, is still counted.
    expect(after.clicks + after.previews + after.bots).toBe(900)
    expect(after.uniques).toBeGreaterThan(0)

    const metrics = (await t.app.inject({ url: '/metrics' })).body
    expect(metrics).toMatch(/umbra_raw_partitions_dropped_total\{table="clicks"\} 1\b/)
    expect(metrics).toMatch(/umbra_raw_default_rows_deleted_total\{table="clicks"\} 300\b/)
    expect(metrics).toMatch(new RegExp(`umbra_verdicts_collected_total ${spamVerdicts}\\b`))

    // A second run has nothing left to do.
    const again = await t.app.retention.run()
    expect(again?.dropped?.partitions).toEqual([])
    expect(again?.verdictsCollected).toBe(0)
  })

  it('keeps a verdict a writer lists again, even one whose clicks were all dropped', async () => {
    // A verdict another instance stored long ago, its clicks since dropped: collectable, until a writer lists it.
    const [click] = generateClicks({
      linkIds: [linkId],
      count: 1,
      fromMs: Date.now(),
      toMs: Date.now() + 1,
      seed: 9,
      firstId: 2 ** 50 + 5000,
    })
    const revived = {
      ...click,
      kind: 'bot' as const,
      medium: null,
      app: null,
      visibility: null,
      userAgent: 'Revived/1.0',
    }
    const idOf = async () => (await sql(`select id::text from click_verdicts where user_agent = 'Revived/1.0'`))[0]?.id
    await recordClicks(t.app, [revived])
    const id = await idOf()
    await sql(`delete from clicks where verdict_id = $1`, [id])
    await sql(`update click_verdicts set listed_on = current_date - 30 where id = $1`, [id])
    // A concurrent holder of the row (as the writer's listing is) keeps it too: the collector re-reads listed_on.
    const other = scratch.pool(1)
    const writerLike = await other.connect()
    try {
      await writerLike.query('begin')
      await writerLike.query('update click_verdicts set listed_on = current_date where id = $1', [id])
      const collecting = t.app.retention.run()
      await new Promise((r) => setTimeout(r, 200))
      await writerLike.query('commit')
      expect((await collecting)?.verdictsCollected).toBe(0)
    } finally {
      writerLike.release()
    }
    expect(await idOf()).toBe(id)
    await sql(`update click_verdicts set listed_on = current_date - 30 where id = $1`, [id])
    expect((await t.app.retention.run())?.verdictsCollected).toBe(1)
    expect(await idOf()).toBeUndefined()
    // This process stored the verdict today, but a new day (or another instance) lists it again.
    await recordClicks(t.app, [{ ...revived, id: revived.id + 1, at: Date.now() + 86_400_000 }])
    expect(await idOf()).toBe(id)
    expect(
      await sql('select 1 from clicks c where not exists (select 1 from click_verdicts v where v.id = c.verdict_id)'),
    ).toEqual([])
  })

  it('postpones a drop the clicks table is too busy for, rather than holding up the writer', async () => {
    await sql(`select ensure_click_partitions(to_timestamp($1 / 1000.0), 1)`, [monthsAgo(28)])
    const partition = `clicks_${monthName(monthsAgo(28))}`
    // A long reader of clicks (an export, say) holds the table: the drop gives up after its lock timeout.
    const reader = await scratch.pool(1).connect()
    try {
      await reader.query('begin')
      await reader.query('select count(*) from clicks')
      const run = await t.app.retention.run()
      expect(run?.dropped?.postponed).toContain(partition)
      expect(run?.dropped?.partitions.map((p) => p.name)).not.toContain(partition)
      // The writer is not left queued behind a drop still waiting for the table.
      await recordClicks(
        t.app,
        generateClicks({
          linkIds: [linkId],
          count: 5,
          fromMs: Date.now(),
          toMs: Date.now() + 1,
          seed: 4,
          firstId: 2 ** 50 + 6000,
        }),
      )
    } finally {
      await reader.query('commit')
      reader.release()
    }
    const again = await t.app.retention.run()
    expect(again?.dropped?.partitions.map((p) => p.name)).toContain(partition)
    expect(again?.dropped?.postponed).toEqual([])
  })

  it('is skipped while another instance holds its lock', async () => {
    const other = scratch.pool(1)
    const client = await other.connect()
    try {
      await client.query('select pg_advisory_lock(727032)')
      expect(await t.app.retention.run()).toBeNull()
      expect((await t.app.inject({ url: '/metrics' })).body).toMatch(
        /umbra_retention_runs_total\{outcome="skipped"\} 1\b/,
      )
    } finally {
      await client.query('select pg_advisory_unlock(727032)')
      client.release()
    }
  })
})
