import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'
import { linkTotals } from './link-totals-routes.ts'

const HOUR = '2026-11-20T10:00:00Z'
const RANGE = 'from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z'

describe('linkTotals', () => {
  it('answers every code asked for, in order, zeros included; previews apart from clicks', () => {
    expect(
      linkTotals(
        ['b', 'a', 'z'],
        [
          { code: 'a', kind: 'human', visibility: 'dark', clicks: 3 },
          { code: 'a', kind: 'human', visibility: 'public', clicks: 1 },
          { code: 'a', kind: 'preview', visibility: '', clicks: 2 },
          { code: 'b', kind: 'human', visibility: 'dark', clicks: 1 },
          { code: 'q', kind: 'human', visibility: 'dark', clicks: 9 },
        ],
      ),
    ).toEqual([
      { code: 'b', clicks: 1, dark: 1, public: 0, previews: 0 },
      { code: 'a', clicks: 4, dark: 3, public: 1, previews: 2 },
      { code: 'z', clicks: 0, dark: 0, public: 0, previews: 0 },
    ])
  })
})

describe('GET /api/v1/reports/links', () => {
  let t: TestApp
  let codes: Record<string, string>

  beforeAll(async () => {
    t = await startTestApp()
    const kit = await t.app.inject({
      method: 'POST',
      url: '/api/v1/shares',
      headers: auth,
      payload: { url: `https://news.example/totals-${Date.now()}`, channels: ['whatsapp', 'x'] },
    })
    codes = Object.fromEntries(kit.json().links.map((l: { channel: string; code: string }) => [l.channel, l.code]))
    await t.app.pg.query(
      `insert into click_rollups_hourly (link_id, hour, kind, medium, app, visibility, clicks)
       select l.id, $2, v.kind, v.medium, v.app, v.visibility, v.n
       from links l join (values ('whatsapp', 'human', 'direct', '', 'dark', 5), ('whatsapp', 'human', 'search', 'google', 'public', 2),
                                 ('whatsapp', 'preview', '', 'whatsapp', '', 3), ('whatsapp', 'bot', '', '', '', 7))
                           as v(channel, kind, medium, app, visibility, n) on v.channel = l.channel
       where l.code = any($1)`,
      [Object.values(codes), HOUR],
    )
    // The daily rollups, as the batch writer keeps them beside the hourly ones.
    await t.app.pg.query(
      `insert into click_rollups_daily (link_id, day, kind, medium, app, visibility, clicks)
       select link_id, (hour at time zone 'UTC')::date, kind, medium, app, visibility, sum(clicks) from click_rollups_hourly
       where link_id in (select id from links where code = any($1)) group by 1, 2, 3, 4, 5, 6`,
      [Object.values(codes)],
    )
  })
  afterAll(() => t?.close())

  it('sums each link’s rollups in the range; bots are not clicks', async () => {
    const res = await t.app.inject({
      url: `/api/v1/reports/links?codes=${codes.whatsapp},${codes.x},no-such-code&${RANGE}`,
      headers: auth,
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().links).toEqual([
      { code: codes.whatsapp, clicks: 7, dark: 5, public: 2, previews: 3 },
      { code: codes.x, clicks: 0, dark: 0, public: 0, previews: 0 },
      { code: 'no-such-code', clicks: 0, dark: 0, public: 0, previews: 0 },
    ])
  })

  it.each([
    { query: '', field: 'codes' },
    { query: `codes=${Array.from({ length: 201 }, (_, i) => `c${i}`).join(',')}`, field: 'codes' },
  ])('refuses ?$query with a 400 on $field', async ({ query, field }) => {
    const res = await t.app.inject({ url: `/api/v1/reports/links?${query}`, headers: auth })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].field).toBe(field)
  })
})
