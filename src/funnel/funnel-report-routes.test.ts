import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'

const HOUR = '2026-11-20T10:00:00Z'
const RANGE = 'from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z'

describe('GET /api/v1/reports/funnel', () => {
  let t: TestApp
  let contentId: string
  const topic = `funnel-${Date.now()}`

  beforeAll(async () => {
    t = await startTestApp()
    const kit = await t.app.inject({
      method: 'POST',
      url: '/api/v1/shares',
      headers: auth,
      payload: {
        url: `https://news.example/funnel-${Date.now()}`,
        topics: [topic],
        campaign: topic,
        channels: ['whatsapp', 'native', 'copy'],
      },
    })
    contentId = kit.json().content.id
    const linkOf = (channel: string) => kit.json().links.find((l: { channel: string }) => l.channel === channel).code
    const db = t.app.pg
    await db.query(
      `insert into share_rollups_hourly values ($1, $2, 'whatsapp', 3), ($1, $2, 'native', 2), ($1, '2026-11-25T00:00:00Z', 'copy', 9)`,
      [contentId, HOUR],
    )
    await db.query(
      `insert into arrival_rollups_hourly values
       ($1, $2, 'direct', '', 'dark', 'via_short_link', 0, 2), ($1, $2, 'direct', '', 'dark', 'address_bar', 1, 3),
       ($1, $2, 'in_app', 'instagram', 'dark', 'address_bar', 2, 1), ($1, $2, 'direct', '', 'dark', 'unattributed', 0, 5),
       ($1, $2, 'search', 'google', 'public', 'public', 0, 4)`,
      [contentId, HOUR],
    )
    await db.query(
      `insert into click_rollups_hourly (link_id, hour, kind, medium, app, visibility, clicks)
       select l.id, $2, v.kind, v.medium, v.app, v.visibility, v.n
       from links l join (values ('whatsapp', 'human', 'direct', '', 'dark', 2), ('whatsapp', 'preview', '', 'whatsapp', '', 4),
                                 ('native', 'preview', '', 'telegram', '', 1), ('copy', 'human', 'social', 'x', 'public', 1))
                           as v(channel, kind, medium, app, visibility, n) on v.channel = l.channel
       where l.content_id = $1`,
      [contentId, HOUR],
    )
    // The daily rollups, as the batch writers keep them beside the hourly ones.
    await db.query(
      `insert into share_rollups_daily (content_id, day, channel, shares)
       select content_id, (hour at time zone 'UTC')::date, channel, sum(shares) from share_rollups_hourly
       where content_id = $1 group by 1, 2, 3`,
      [contentId],
    )
    await db.query(
      `insert into arrival_rollups_daily (content_id, day, medium, app, visibility, source, generation, arrivals)
       select content_id, (hour at time zone 'UTC')::date, medium, app, visibility, source, generation, sum(arrivals)
       from arrival_rollups_hourly where content_id = $1 group by 1, 2, 3, 4, 5, 6, 7`,
      [contentId],
    )
    await db.query(
      `insert into click_rollups_daily (link_id, day, kind, medium, app, visibility, clicks)
       select link_id, (hour at time zone 'UTC')::date, kind, medium, app, visibility, sum(clicks) from click_rollups_hourly
       where link_id in (select id from links where content_id = $1) group by 1, 2, 3, 4, 5, 6`,
      [contentId],
    )
    expect(linkOf('native')).toBeTruthy()
  })
  afterAll(() => t?.close())

  const expected = {
    shares: { total: 5, byChannel: { whatsapp: 3, native: 2 } },
    sharesSeen: { total: 5, byApp: { whatsapp: 4, telegram: 1 }, nativeByApp: { telegram: 1 } },
    clicks: { total: 3, dark: 2, public: 1, byMedium: { direct: 2, social: 1 } },
    addressBar: { arrivals: 4, byGeneration: { '1': 3, '2': 1 } },
    arrivals: {
      total: 15,
      dark: 11,
      public: 4,
      viaShortLink: 2,
      viaAddressBar: 4,
      unattributed: 5,
      byMedium: { direct: 10, in_app: 1, search: 4 },
      byApp: { instagram: 1, google: 4 },
    },
    virality: (3 + 4) / 5,
    conversions: { total: 0, dark: 0, public: 0, byMedium: {}, value: {}, darkValue: {}, rate: 0 },
  }

  it.each(['content', 'topic', 'campaign'])('answers the funnel of a %s from the rollups of its range', async (by) => {
    const value = by === 'content' ? contentId : topic
    const res = await t.app.inject({ url: `/api/v1/reports/funnel?${by}=${value}&${RANGE}`, headers: auth })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z', ...expected })
  })

  it('answers CSV, named after what it reports', async () => {
    const res = await t.app.inject({
      url: `/api/v1/reports/funnel?content=${contentId}&${RANGE}`,
      headers: { ...auth, accept: 'text/csv' },
    })
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="funnel-content-${contentId}-2026-11-20-to-2026-11-20.csv"`,
    )
    expect(res.body.split('\r\n')).toEqual(
      expect.arrayContaining(['shares,total,5', 'addressBar.byGeneration,2,1', 'virality,,1.4']),
    )
  })

  it.each([
    { query: '', status: 400, field: 'content' },
    { query: `content=${1}&topic=x`, status: 400, field: 'content' },
    { query: 'content=abc', status: 400, field: 'content' },
    { query: 'topic=x&from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z', status: 400, field: 'from' },
  ])('refuses ?$query with $status', async ({ query, status, field }) => {
    const res = await t.app.inject({ url: `/api/v1/reports/funnel?${query}`, headers: auth })
    expect(res.statusCode).toBe(status)
    expect(res.json().errors[0].field).toBe(field)
  })

  it('gives the topic report the same totals, per topic', async () => {
    const res = await t.app.inject({ url: `/api/v1/reports/topics?campaign=${topic}&${RANGE}`, headers: auth })
    expect(res.statusCode).toBe(200)
    expect(res.json().topics.find((r: { topic: string }) => r.topic === topic).funnel).toEqual({
      shares: expected.shares.total,
      sharesSeen: expected.sharesSeen.total,
      clicks: expected.clicks.total,
      reshares: expected.addressBar.arrivals,
      arrivals: expected.arrivals.total,
      viaShortLink: expected.arrivals.viaShortLink,
      unattributed: expected.arrivals.unattributed,
      virality: expected.virality,
    })
  })

  it('gives the channel report each channel’s share actions against its kit links’ previews and clicks', async () => {
    const res = await t.app.inject({ url: `/api/v1/reports/channels?campaign=${topic}&${RANGE}`, headers: auth })
    expect(res.statusCode).toBe(200)
    const funnelOf = (channel: string) =>
      res.json().channels.find((r: { channel: string }) => r.channel === channel)?.funnel
    expect(funnelOf('whatsapp')).toEqual({ shares: 3, sharesSeen: 4, clicks: 2, virality: 2 / 3 })
    expect(funnelOf('native')).toEqual({ shares: 2, sharesSeen: 1, clicks: 0, virality: 0 })
    // Copy's 9 share actions are outside the range: its click has no share action to divide by.
    expect(funnelOf('copy')).toEqual({ shares: 0, sharesSeen: 0, clicks: 1, virality: null })
  })

  it('answers 404 for a content that does not exist', async () => {
    const res = await t.app.inject({ url: '/api/v1/reports/funnel?content=999999999', headers: auth })
    expect(res.statusCode).toBe(404)
  })
})
