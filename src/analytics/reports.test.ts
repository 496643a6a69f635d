import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../api/create-api-key.ts'
import { generateClicks, recordClicks } from '../../test/support/click-dataset.ts'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'
import { openClickExport } from './click-export.ts'

// Reports are read from rollups; each is checked here against an independent recount over raw clicks.
const FROM = '2025-03-03T00:00:00.000Z'
const TO = '2025-03-06T00:00:00.000Z'
const HOUR = 3_600_000

let t: TestApp
const run = Math.random().toString(36).slice(2, 8)
const campaign = `report-${run}`
const topics = ['climate', 'housing', 'sport'].map((name) => `${name}-${run}`)
const kits: { id: string; links: { channel: string; code: string }[] }[] = []

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ url, headers: { ...auth, ...headers } })
const range = `from=${FROM}&to=${TO}`
const sql = async (text: string, params: unknown[]) => (await t.app.pg.query(text, params)).rows

beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_API_WRITES: '100000', RATE_LIMIT_API_READS: '100000' })
  const pages: { topics: string[]; channels: string[] }[] = [
    { topics: [topics[0]], channels: ['whatsapp', 'email', 'x', 'copy'] },
    { topics: [topics[0], topics[1]], channels: ['whatsapp', 'facebook', 'sms'] },
    { topics: [topics[1]], channels: ['messenger', 'x', 'linkedin'] },
    { topics: [topics[2]], channels: ['whatsapp', 'x', 'email', 'qr'] },
    { topics: [topics[2], topics[0]], channels: ['telegram', 'copy'] },
  ]
  for (const [i, page] of pages.entries()) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/shares',
      headers: auth,
      payload: {
        url: `https://news.example.org/${run}/${i}`,
        title: `Page ${i}`,
        topics: page.topics,
        campaign,
        channels: page.channels,
      },
    })
    kits.push({ id: res.json().content.id, links: res.json().links })
  }
  // A link with a topic but no declared channel: in the topic report, not in the channel report.
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/links',
    headers: auth,
    payload: { url: `https://news.example.org/${run}/plain`, topics: [topics[1]], campaign },
  })

  const { rows } = await t.app.pg.query('select id from links where campaign = $1', [campaign])
  // Some clicks fall just outside the range on either side: the reports must leave them out.
  const clicks = generateClicks({
    linkIds: rows.map((r) => r.id),
    count: 4_000,
    fromMs: Date.parse(FROM) - 6 * HOUR,
    toMs: Date.parse(TO) + 6 * HOUR,
    seed: 5,
  })
  await recordClicks(t.app, clicks)
  // A disabled link's clicks still count for its content, topic and channel.
  const x = kits[0].links.find((l) => l.channel === 'x')!.code
  expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/links/${x}`, headers: auth })).statusCode).toBe(204)
})
afterAll(() => t.close())

const tallyColumns = `
  count(*) filter (where c.kind = 'human')::float8 as clicks,
  count(*) filter (where c.kind = 'human' and c.visibility = 'dark')::float8 as dark,
  count(*) filter (where c.kind = 'human' and c.visibility <> 'dark')::float8 as public,
  count(*) filter (where c.kind = 'preview')::float8 as previews,
  count(*) filter (where c.kind = 'bot')::float8 as bots`
const inRange = `c.clicked_at >= '${FROM}' and c.clicked_at < '${TO}'`

/** {key: {sub: n}} from rows of (key, sub, n). */
function nest(rows: Record<string, string | number>[], key: string, sub: string) {
  const out: Record<string, Record<string, number>> = {}
  for (const r of rows) {
    out[r[key]] ??= {}
    out[r[key]][r[sub]] = Number(r.n)
  }
  return out
}

describe('GET /api/v1/reports/topics', () => {
  it('agrees with a recount over raw clicks', async () => {
    const recount = await sql(
      `select t.topic, ${tallyColumns},
              count(distinct ((c.clicked_at at time zone 'UTC')::date, c.visitor)) filter (where c.kind = 'human' and c.visitor is not null)::float8 as uniques
       from labeled_clicks c join links l on l.id = c.link_id cross join unnest(l.topics) as t(topic)
       where l.campaign = $1 and ${inRange} group by 1`,
      [campaign],
    )
    const mediums = nest(
      await sql(
        `select t.topic, c.medium, count(*)::float8 as n from labeled_clicks c join links l on l.id = c.link_id cross join unnest(l.topics) as t(topic)
       where l.campaign = $1 and c.kind = 'human' and ${inRange} group by 1, 2`,
        [campaign],
      ),
      'topic',
      'medium',
    )
    const previews = nest(
      await sql(
        `select t.topic, coalesce(c.app, 'unknown') as app, count(*)::float8 as n from labeled_clicks c join links l on l.id = c.link_id cross join unnest(l.topics) as t(topic)
       where l.campaign = $1 and c.kind = 'preview' and ${inRange} group by 1, 2`,
        [campaign],
      ),
      'topic',
      'app',
    )
    // The funnel counts the kit links only (the plain link has no share buttons), by its content's topics.
    const kitCounts = Object.fromEntries(
      (
        await sql(
          `select t.topic, count(*) filter (where c.kind = 'human')::float8 as clicks,
                count(*) filter (where c.kind = 'preview')::float8 as previews
         from labeled_clicks c join links l on l.id = c.link_id join contents ct on ct.id = l.content_id
         cross join unnest(ct.topics) as t(topic)
         where l.campaign = $1 and ${inRange} group by 1`,
          [campaign],
        )
      ).map((r) => [r.topic, r]),
    )

    const res = await get(`/api/v1/reports/topics?${range}&campaign=${campaign}`)
    expect(res.statusCode).toBe(200)
    const report = res.json()
    expect(report).toMatchObject({ from: FROM, to: TO })
    expect(report.topics.map((r: { topic: string }) => r.topic).sort()).toEqual([...topics].sort())
    for (const r of recount) {
      expect(report.topics.find((x: { topic: string }) => x.topic === r.topic)).toEqual({
        ...r,
        darkShare: r.dark / r.clicks,
        byMedium: mediums[r.topic],
        previewsByApp: previews[r.topic],
        // No page tag ran: the funnel has the kit links' clicks and previews, no shares.
        funnel: {
          shares: 0,
          sharesSeen: kitCounts[r.topic].previews,
          clicks: kitCounts[r.topic].clicks,
          reshares: 0,
          arrivals: 0,
          viaShortLink: 0,
          unattributed: 0,
          virality: null,
        },
      })
    }
    expect(recount.reduce((n, r) => n + r.clicks, 0)).toBeGreaterThan(1_000) // the dataset is not trivially small
    const clicks = report.topics.map((r: { clicks: number }) => r.clicks)
    expect(clicks).toEqual([...clicks].sort((a, b) => b - a))
  })

  it('answers CSV for ?format=csv and for Accept: text/csv, with the same numbers', async () => {
    const json = (await get(`/api/v1/reports/topics?${range}&campaign=${campaign}`)).json()
    for (const res of [
      await get(`/api/v1/reports/topics?${range}&campaign=${campaign}&format=csv`),
      await get(`/api/v1/reports/topics?${range}&campaign=${campaign}`, { accept: 'text/csv' }),
    ]) {
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
      const [head, ...lines] = res.body.trimEnd().split('\r\n')
      expect(head).toBe(
        'topic,clicks,dark,public,dark_share,uniques,previews,previews_by_app,bots,funnel_shares,funnel_shares_seen,' +
          'funnel_clicks,funnel_reshares,funnel_arrivals,funnel_via_short_link,funnel_unattributed,funnel_virality',
      )
      expect(lines).toHaveLength(json.topics.length)
      for (const [i, line] of lines.entries()) {
        const cells = line.split(',')
        const row = json.topics[i]
        expect(cells.slice(0, 7)).toEqual(
          [row.topic, row.clicks, row.dark, row.public, row.darkShare, row.uniques, row.previews].map(String),
        )
      }
    }
  })
})

describe('GET /api/v1/reports/channels', () => {
  it('crosses the declared channel with the observed medium, as a recount does', async () => {
    const recount = await sql(
      `select l.channel, ${tallyColumns} from labeled_clicks c join links l on l.id = c.link_id
       where l.campaign = $1 and l.channel is not null and ${inRange} group by 1`,
      [campaign],
    )
    const mediums = nest(
      await sql(
        `select l.channel, c.medium, count(*)::float8 as n from labeled_clicks c join links l on l.id = c.link_id
       where l.campaign = $1 and l.channel is not null and c.kind = 'human' and ${inRange} group by 1, 2`,
        [campaign],
      ),
      'channel',
      'medium',
    )
    const previews = nest(
      await sql(
        `select l.channel, coalesce(c.app, 'unknown') as app, count(*)::float8 as n from labeled_clicks c join links l on l.id = c.link_id
       where l.campaign = $1 and l.channel is not null and c.kind = 'preview' and ${inRange} group by 1, 2`,
        [campaign],
      ),
      'channel',
      'app',
    )

    const report = (await get(`/api/v1/reports/channels?${range}&campaign=${campaign}`)).json()
    expect(report.channels.map((c: { channel: string }) => c.channel).sort()).toEqual(
      recount.map((r) => r.channel).sort(),
    )
    for (const r of recount) {
      expect(report.channels.find((c: { channel: string }) => c.channel === r.channel)).toMatchObject({
        ...r,
        darkShare: r.dark / r.clicks,
        byMedium: mediums[r.channel],
        previewsByApp: previews[r.channel],
      })
    }
    expect(report.channels.find((c: { channel: string }) => c.channel === 'x')).toMatchObject({
      label: 'X',
      declaredVisibility: 'public',
    })
    expect(report.channels.find((c: { channel: string }) => c.channel === 'whatsapp')).toMatchObject({
      declaredVisibility: 'private',
    })

    const topicOnly = (await get(`/api/v1/reports/channels?${range}&campaign=${campaign}&topic=${topics[2]}`)).json()
    expect(topicOnly.channels.map((c: { channel: string }) => c.channel).sort()).toEqual([
      'copy',
      'email',
      'qr',
      'telegram',
      'whatsapp',
      'x',
    ])
  })

  it('lays the medium mix out as columns in CSV', async () => {
    const res = await get(`/api/v1/reports/channels?${range}&campaign=${campaign}&format=csv`)
    const [head, ...lines] = res.body.trimEnd().split('\r\n')
    const names = head.split(',')
    expect(names.slice(0, 6)).toEqual(['channel', 'declared_visibility', 'clicks', 'dark', 'public', 'dark_share'])
    for (const line of lines) {
      const cells = Object.fromEntries(line.split(',').map((v, i) => [names[i], v]))
      const mediumSum = names.filter((n) => n.startsWith('medium_')).reduce((n, m) => n + Number(cells[m]), 0)
      expect(mediumSum).toBe(Number(cells.clicks))
    }
  })
})

describe('GET /api/v1/reports/content/:id', () => {
  it('shows one content across its channels with an hourly series, as a recount does', async () => {
    const kit = kits[0]
    const perCode = await sql(
      `select l.code, ${tallyColumns} from labeled_clicks c join links l on l.id = c.link_id where l.content_id = $1 and ${inRange} group by 1`,
      [kit.id],
    )
    const series = await sql(
      `select date_trunc('hour', c.clicked_at) as t, count(*)::float8 as clicks, count(*) filter (where c.visibility = 'dark')::float8 as dark
       from labeled_clicks c join links l on l.id = c.link_id where l.content_id = $1 and c.kind = 'human' and ${inRange} group by 1`,
      [kit.id],
    )
    const [{ uniques }] = await sql(
      `select count(distinct ((c.clicked_at at time zone 'UTC')::date, c.visitor))::float8 as uniques
       from labeled_clicks c join links l on l.id = c.link_id where l.content_id = $1 and c.kind = 'human' and c.visitor is not null and ${inRange}`,
      [kit.id],
    )

    const res = await get(`/api/v1/reports/content/${kit.id}?${range}`)
    expect(res.statusCode).toBe(200)
    const report = res.json()
    expect(report.content).toMatchObject({ id: kit.id, campaign })
    expect(report.interval).toBe('hour')
    expect(report.channels.map((c: { channel: string }) => c.channel).sort()).toEqual([
      'copy',
      'email',
      'whatsapp',
      'x',
    ])
    for (const r of perCode)
      expect(report.channels.find((c: { code: string }) => c.code === r.code)).toMatchObject({ ...r })
    expect(report.totals).toMatchObject({
      clicks: perCode.reduce((n, r) => n + r.clicks, 0),
      dark: perCode.reduce((n, r) => n + r.dark, 0),
      uniques,
    })
    expect(report.series).toHaveLength(72)
    const byHour = new Map(series.map((s) => [new Date(s.t).toISOString(), s]))
    for (const point of report.series) {
      const expected = byHour.get(point.t)
      expect([point.clicks, point.dark]).toEqual([expected?.clicks ?? 0, expected?.dark ?? 0])
      expect(Object.values(point.byChannel as Record<string, number>).reduce((n, v) => n + v, 0)).toBe(point.clicks)
    }

    const csv = await get(`/api/v1/reports/content/${kit.id}?${range}`, { accept: 'text/csv' })
    const [head, ...lines] = csv.body.trimEnd().split('\r\n')
    expect(head.split(',').slice(0, 4)).toEqual(['t', 'clicks', 'dark', 'public'])
    expect(lines).toHaveLength(72)
  })

  it('answers 404 for an unknown content, 401 without a key and 403 for a key without stats:read', async () => {
    expect((await get('/api/v1/reports/content/999999999')).statusCode).toBe(404)
    expect((await t.app.inject({ url: '/api/v1/reports/topics' })).statusCode).toBe(401)
    const { secret } = await createApiKey(t.app.pg, { kind: 'secret', name: 'links only', scopes: ['links:read'] })
    for (const url of [
      '/api/v1/reports/topics',
      '/api/v1/reports/channels',
      `/api/v1/reports/content/${kits[0].id}`,
      '/api/v1/exports/clicks.csv',
    ])
      expect((await t.app.inject({ url, headers: { authorization: `Bearer ${secret}` } })).statusCode, url).toBe(403)
  })
})

describe('GET /api/v1/exports/clicks.csv', () => {
  const parse = (body: string) => {
    const [head, ...lines] = body.trimEnd().split('\r\n')
    const names = head.split(',')
    return { names, rows: lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v]))) }
  }

  it('streams one row per click of the topic, with labels and no visitor or IP', async () => {
    const expected = await sql(
      `select l.code, c.kind, coalesce(c.medium, '') as medium, count(*)::int as n from labeled_clicks c join links l on l.id = c.link_id
       where $1 = any(l.topics) and ${inRange} group by 1, 2, 3`,
      [topics[1]],
    )
    const res = await get(`/api/v1/exports/clicks.csv?${range}&topic=${topics[1]}`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    // Named after what it holds, so two downloads do not overwrite each other.
    expect(res.headers['content-disposition']).toMatch(
      new RegExp(
        `^attachment; filename="clicks-topic-${topics[1]}-\\d{4}-\\d\\d-\\d\\d-to-\\d{4}-\\d\\d-\\d\\d\\.csv"$`,
      ),
    )
    const { names, rows } = parse(res.body)
    expect(names).toEqual([
      'clicked_at',
      'code',
      'channel',
      'topics',
      'campaign',
      'content_id',
      'kind',
      'medium',
      'app',
      'visibility',
      'browser',
      'os',
      'device',
      'country',
      'region',
      'city',
      'language',
    ])
    expect(names.join()).not.toMatch(/visitor|ip|user_agent|referrer/)
    const counted = new Map<string, number>()
    for (const r of rows)
      counted.set(`${r.code}|${r.kind}|${r.medium}`, (counted.get(`${r.code}|${r.kind}|${r.medium}`) ?? 0) + 1)
    expect(Object.fromEntries(counted)).toEqual(
      Object.fromEntries(expected.map((e) => [`${e.code}|${e.kind}|${e.medium}`, e.n])),
    )
    const times = rows.map((r) => r.clicked_at)
    expect(times).toEqual([...times].sort())
    expect(times[0] >= FROM && times.at(-1)! < TO).toBe(true)
  })

  it('filters by link, and refuses an unknown link with 404', async () => {
    const code = kits[1].links[0].code
    const [{ n }] = await sql(
      `select count(*)::int as n from labeled_clicks c join links l on l.id = c.link_id where l.code = $1 and ${inRange}`,
      [code],
    )
    const { rows } = parse((await get(`/api/v1/exports/clicks.csv?${range}&link=${code}`)).body)
    expect(rows).toHaveLength(n)
    expect(new Set(rows.map((r) => r.code))).toEqual(new Set([code]))
    expect((await get(`/api/v1/exports/clicks.csv?${range}&link=nope-nope`)).statusCode).toBe(404)
  })

  it('gives the same text whatever the FETCH size', async () => {
    const filter = { from: new Date(FROM), to: new Date(TO), topic: topics[0] }
    let whole = ''
    for await (const slice of (await openClickExport(t.app.reads, filter)).lines) whole += slice
    let sliced = ''
    let slices = 0
    for await (const slice of (await openClickExport(t.app.reads, filter, { fetchRows: 7 })).lines) {
      sliced += slice
      slices++
    }
    expect(sliced).toBe(whole)
    expect(slices).toBeGreaterThan(50)
  })
})
