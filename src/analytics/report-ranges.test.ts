import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateClicks, recordClicks } from '../../test/support/click-dataset.ts'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'

// Reports sum whole days from the daily rollups and the range's edge hours from the hourly ones
// (rollup-range.ts): checked against a recount over raw clicks for ranges that start and end inside days.
const HOUR = 3_600_000
const DATA_FROM = Date.parse('2025-05-01T00:00:00Z')
const DATA_TO = Date.parse('2025-05-06T00:00:00Z')

let t: TestApp
const run = Math.random().toString(36).slice(2, 8)
const campaign = `ranges-${run}`
const topics = ['rivers', 'roads'].map((name) => `${name}-${run}`)
const kits: { id: string; links: { channel: string; code: string }[] }[] = []
let linkIds: string[] = []

const get = async (url: string) => {
  const res = await t.app.inject({ url, headers: auth })
  expect(res.statusCode, url).toBe(200)
  return res.json()
}
const sql = async (text: string, params: unknown[]) => (await t.app.pg.query(text, params)).rows

// [from, to): mid-hour and mid-day bounds, one within a day, one across midnight, whole days with an edge.
const RANGES: [string, string][] = [
  ['2025-05-01T05:30:00Z', '2025-05-04T17:10:00Z'],
  ['2025-05-02T00:00:00Z', '2025-05-03T09:00:00Z'],
  ['2025-05-02T07:00:00Z', '2025-05-02T16:45:00Z'],
  ['2025-05-02T21:15:00Z', '2025-05-03T03:00:00Z'],
  ['2025-05-01T23:59:00Z', '2025-05-05T00:00:00Z'],
]

// The hours the hourly rollups give a range: from the hour `from` is in, to the hour `to` is in (included
// unless `to` is on the hour); uniques by the UTC days the range touches.
const inHours = `date_trunc('hour', c.clicked_at) >= date_trunc('hour', $2::timestamptz) and date_trunc('hour', c.clicked_at) < $3::timestamptz`
const inDays = `(c.clicked_at at time zone 'UTC')::date between ($2::timestamptz at time zone 'UTC')::date
  and (($3::timestamptz - interval '1 microsecond') at time zone 'UTC')::date`
const tally = `
  count(*) filter (where c.kind = 'human')::float8 as clicks,
  count(*) filter (where c.kind = 'human' and c.visibility = 'dark')::float8 as dark,
  count(*) filter (where c.kind = 'human' and c.visibility <> 'dark')::float8 as public,
  count(*) filter (where c.kind = 'preview')::float8 as previews,
  count(*) filter (where c.kind = 'bot')::float8 as bots`

beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_API_WRITES: '100000', RATE_LIMIT_API_READS: '100000' })
  const pages = [
    { topics: [topics[0]], channels: ['whatsapp', 'email', 'x'] },
    { topics: [topics[0], topics[1]], channels: ['whatsapp', 'facebook'] },
    { topics: [topics[1]], channels: ['sms', 'x', 'linkedin'] },
  ]
  for (const [i, page] of pages.entries()) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/shares',
      headers: auth,
      payload: { url: `https://news.example.org/${run}/${i}`, topics: page.topics, campaign, channels: page.channels },
    })
    kits.push({ id: res.json().content.id, links: res.json().links })
  }
  linkIds = (await sql('select id from links where campaign = $1', [campaign])).map((r) => r.id)
  await recordClicks(
    t.app,
    generateClicks({ linkIds, count: 3_000, fromMs: DATA_FROM, toMs: DATA_TO, seed: 11, firstId: 2 ** 52 + 10_000 }),
  )
})
afterAll(() => t.close())

const topicRecount = (from: string, to: string) =>
  sql(
    `select t.topic, ${tally},
            (select count(*) from (select distinct (c2.clicked_at at time zone 'UTC')::date, c2.visitor
               from labeled_clicks c2 join links l2 on l2.id = c2.link_id
               where l2.campaign = $1 and t.topic = any(l2.topics) and c2.kind = 'human' and c2.visitor is not null
                 and ${inDays.replaceAll('c.', 'c2.')}) v)::float8 as uniques
     from labeled_clicks c join links l on l.id = c.link_id cross join unnest(l.topics) as t(topic)
     where l.campaign = $1 and ${inHours} group by 1`,
    [campaign, from, to],
  )

describe('reports over ranges with partial days', () => {
  it.each(RANGES)('topics, channels and link totals from %s to %s agree with a recount', async (from, to) => {
    const range = `from=${from}&to=${to}`
    const topicReport = await get(`/api/v1/reports/topics?${range}&campaign=${campaign}`)
    const recount = await topicRecount(from, to)
    expect(recount.reduce((n, r) => n + r.clicks, 0)).toBeGreaterThan(0)
    for (const r of recount)
      expect(
        topicReport.topics.find((x: { topic: string }) => x.topic === r.topic),
        r.topic,
      ).toMatchObject(r)

    const channels = await sql(
      `select l.channel, ${tally} from labeled_clicks c join links l on l.id = c.link_id
       where l.campaign = $1 and ${inHours} group by 1`,
      [campaign, from, to],
    )
    const channelReport = await get(`/api/v1/reports/channels?${range}&campaign=${campaign}`)
    expect(channelReport.channels).toHaveLength(channels.length)
    for (const r of channels)
      expect(channelReport.channels.find((x: { channel: string }) => x.channel === r.channel)).toMatchObject(r)

    // Countries come from the daily dimensions: the UTC days the range touches.
    const countries = await sql(
      `select * from (
         select coalesce(c.country, 'unknown') as country, count(*)::float8 as clicks
         from labeled_clicks c join links l on l.id = c.link_id
         where l.campaign = $1 and c.kind = 'human' and ${inDays} group by 1
       ) x order by clicks desc, country collate "C"`,
      [campaign, from, to],
    )
    for (let round = 0; round < 2; round++)
      expect((await get(`/api/v1/reports/countries?${range}&campaign=${campaign}`)).countries).toEqual(countries)

    const codes = kits.flatMap((k) => k.links.map((l) => l.code))
    const perCode = await sql(
      `select l.code, ${tally} from labeled_clicks c join links l on l.id = c.link_id
       where l.campaign = $1 and ${inHours} group by 1`,
      [campaign, from, to],
    )
    const totals = await get(`/api/v1/reports/links?codes=${codes.join(',')}&${range}`)
    for (const r of perCode)
      expect(totals.links.find((x: { code: string }) => x.code === r.code)).toEqual({
        code: r.code,
        clicks: r.clicks,
        dark: r.dark,
        public: r.public,
        previews: r.previews,
      })
  })

  it.each(RANGES)('a content report and its funnel from %s to %s agree with a recount', async (from, to) => {
    const kit = kits[1]
    const [expected] = await sql(
      `select ${tally} from labeled_clicks c join links l on l.id = c.link_id where l.content_id = $1 and ${inHours}`,
      [kit.id, from, to],
    )
    const [{ uniques }] = await sql(
      `select count(distinct ((c.clicked_at at time zone 'UTC')::date, c.visitor))::float8 as uniques
       from labeled_clicks c join links l on l.id = c.link_id
       where l.content_id = $1 and c.kind = 'human' and c.visitor is not null and ${inDays}`,
      [kit.id, from, to],
    )
    const daily = await sql(
      `select to_char((c.clicked_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, count(*)::float8 as clicks
       from labeled_clicks c join links l on l.id = c.link_id where l.content_id = $1 and c.kind = 'human' and ${inHours}
       group by 1`,
      [kit.id, from, to],
    )
    const report = await get(`/api/v1/reports/content/${kit.id}?from=${from}&to=${to}&interval=day`)
    expect(report.totals).toMatchObject({ ...expected, uniques })
    const byDay = new Map(daily.map((d) => [d.day, d.clicks]))
    for (const point of report.series) expect(point.clicks, point.t).toBe(byDay.get(point.t.slice(0, 10)) ?? 0)

    const funnel = await get(`/api/v1/reports/funnel?content=${kit.id}&from=${from}&to=${to}`)
    expect([funnel.clicks.total, funnel.sharesSeen.total]).toEqual([expected.clicks, expected.previews])
  })
})

describe('topic uniques of past days', () => {
  const [from, to] = ['2025-05-01T00:00:00Z', '2025-05-06T00:00:00Z']
  const uniquesOf = async () => {
    const report = await get(`/api/v1/reports/topics?from=${from}&to=${to}&campaign=${campaign}`)
    return Object.fromEntries(report.topics.map((x: { topic: string; uniques: number }) => [x.topic, x.uniques]))
  }
  const recounted = async () => Object.fromEntries((await topicRecount(from, to)).map((r) => [r.topic, r.uniques]))

  it('are counted once, kept, and counted again when visitors or topics change', async () => {
    expect(await uniquesOf()).toEqual(await recounted())
    const kept = await sql('select count(*)::int as n from report_days where scope like $1', ['uniques:topics:%'])
    expect(kept[0].n).toBeGreaterThanOrEqual(5)
    expect(await uniquesOf()).toEqual(await recounted())

    // New visitors on a past day, through the writer.
    await recordClicks(
      t.app,
      generateClicks({
        linkIds,
        count: 200,
        fromMs: DATA_FROM + 30 * HOUR,
        toMs: DATA_FROM + 31 * HOUR,
        seed: 12,
        firstId: 2 ** 52 + 20_000,
      }).map((c) => (c.visitor === null ? c : { ...c, visitor: c.visitor + 1_000 })),
    )
    const before = await recounted()
    expect(await uniquesOf()).toEqual(before)

    // A link moved to the other topic.
    const code = kits[0].links[0].code
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/links/${code}`,
      headers: auth,
      payload: { topics: [topics[1]] },
    })
    expect(patched.statusCode).toBe(200)
    const after = await recounted()
    expect(after).not.toEqual(before)
    expect(await uniquesOf()).toEqual(after)
  })

  it('keeps nothing for a filter that matches no clicks, and a new link leaves kept days valid', async () => {
    const version = async () => (await sql('select version::text as v from links_grouping_version', []))[0].v
    for (const made of ['made-up', 'another-made-up']) {
      const res = await t.app.inject({
        url: `/api/v1/reports/topics?from=${from}&to=${to}&campaign=${made}-${run}`,
        headers: auth,
      })
      expect(res.statusCode).toBe(200)
      expect(res.json().topics).toEqual([])
    }
    const kept = await sql('select count(*)::int as n from report_days where scope like $1', [`%made-up%${run}%`])
    expect(kept[0].n).toBe(0)

    const stamp = await version()
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: auth,
      payload: { url: 'https://example.com/new', topics: [topics[0]], campaign },
    })
    expect(created.statusCode).toBe(201)
    expect(await version()).toBe(stamp)
    expect(await uniquesOf()).toEqual(await recounted())
  })
})
