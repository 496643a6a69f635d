import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, createScratchDatabase, eventually, startTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { compileClassifierExtra } from '../classify/classifier-extra.ts'
import { createClickClassifier } from '../classify/create-click-classifier.ts'
import { reclassifyClicks } from './reclassify-clicks.ts'
import type { StoredVerdict } from './verdict-changes.ts'

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
const FB_ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UD1A.230803.041; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/460.0.0.48.109;]'
// Requests the rules before issue 16 got wrong: WhatsApp's own in-app browser (was an unnamed web view),
// Word checking a link (was a human click), a news site whose name contains "mail" (was webmail).
const WHATSAPP_IAB =
  'Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/139.0.7258.143 Mobile Safari/537.36 WA4A/2.26.30.97'
const WORD_LINK_CHECK = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Word 16.0.17328; Pro)'
const ACME_APP = `${IPHONE_SAFARI} AcmeApp/3.2`
const visits = [
  { ua: CHROME, ip: '198.51.100.1' },
  { ua: CHROME, ip: '198.51.100.1', referer: 'https://mail.google.com/' },
  { ua: 'WhatsApp/2.24.6.77 A', ip: '198.51.100.2' },
  { ua: FB_ANDROID, ip: '198.51.100.3' },
  { ua: IPHONE_SAFARI, ip: '198.51.100.4', referer: 'https://www.bing.com/' },
  { ua: IPHONE_SAFARI, ip: '198.51.100.5', 'x-requested-with': 'com.facebook.katana' },
  { ua: WHATSAPP_IAB, ip: '198.51.100.6' },
  { ua: WORD_LINK_CHECK, ip: '198.51.100.7' },
  { ua: CHROME, ip: '198.51.100.8', referer: 'https://www.mailonline.com/news/' },
  { ua: ACME_APP, ip: '198.51.100.9' },
]

// A database of its own: reclassification relabels every stored click, and other test files store clicks too.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>
let t: TestApp
let linkId: string
const classifier = createClickClassifier({ ownHosts: ['umbra.test'] })
const classify = (c: StoredVerdict) =>
  classifier({
    ua: c.user_agent ?? '',
    referrer: c.referrer ?? '',
    requestedWith: c.requested_with ?? '',
  })

const query = async (sql: string) => (await t.app.pg.query(sql, [linkId])).rows

/** What the rollups say, and what a recount of the raw clicks says they should say. */
const rollupsAndRecount = async () => ({
  hourly: await query(`select hour, kind, medium, app, visibility, clicks::int from click_rollups_hourly
                       where link_id = $1 and kind in ('human','preview','bot') and clicks <> 0 order by 1,2,3,4,5`),
  recount:
    await query(`select date_trunc('hour', clicked_at) as hour, kind, coalesce(medium,'') as medium, coalesce(app,'') as app,
                         coalesce(visibility,'') as visibility, count(*)::int as clicks
                       from labeled_clicks where link_id = $1 group by 1,2,3,4,5 order by 1,2,3,4,5`),
  dimensions: await query(
    `select dimension, value, clicks::int from click_dimensions_daily where link_id = $1 and clicks <> 0 order by 1,2`,
  ),
  dimensionRecount:
    await query(`select d.name as dimension, coalesce(d.value, 'unknown') as value, count(*)::int as clicks
                       from labeled_clicks, lateral (values ('browser', browser), ('os', os), ('device', device), ('country', country)) d(name, value)
                       where link_id = $1 and kind = 'human' group by 1,2 order by 1,2`),
  daily: await query(`select day, kind, medium, app, visibility, clicks::int from click_rollups_daily
                      where link_id = $1 and clicks <> 0 order by 1,2,3,4,5`),
  dailyFromHourly:
    await query(`select (hour at time zone 'UTC')::date as day, kind, medium, app, visibility, sum(clicks)::int as clicks
                      from click_rollups_hourly where link_id = $1 group by 1,2,3,4,5 having sum(clicks) <> 0 order by 1,2,3,4,5`),
})

beforeAll(async () => {
  scratch = await createScratchDatabase()
  t = await startTestApp(
    { TRUST_PROXY: '1', ...(scratch ? { DATABASE_URL: scratch.url } : {}) },
    scratch ? 'postgres' : 'embedded',
  )
  const link = await t.app.inject({
    method: 'POST',
    url: '/api/v1/links',
    headers: auth,
    payload: { url: 'https://example.com/re' },
  })
  expect(link.statusCode, link.body).toBe(201)
  const code = link.json().code
  linkId = (await t.app.pg.query('select id from links where code = $1', [code])).rows[0].id
  for (const { ua, ip, ...headers } of visits)
    expect(
      (await t.app.inject({ url: `/${code}`, headers: { 'user-agent': ua, 'x-forwarded-for': ip, ...headers } }))
        .statusCode,
    ).toBe(302)
  await eventually(
    async () => Number((await query('select count(*) from clicks where link_id = $1'))[0].count) === visits.length,
  )
})
afterAll(async () => {
  await t?.close()
  await scratch?.drop()
})

describe('reclassify', () => {
  it('relabels clicks stored under older rules and corrects the rollups to match a recount', async () => {
    // Simulate clicks labelled by older, weaker rules: the same requests with everything human and direct
    // (verdicts of their own, as an older version would have made them), rollups rebuilt to match.
    await query(`insert into click_verdicts
                 select click_verdict_id(user_agent, referrer, requested_with, 'human', 'direct', null, 'dark', 'old', 'old', 'old'),
                        user_agent, referrer, requested_with, 'human', 'direct', null, 'dark', 'old', 'old', 'old'
                 from click_verdicts where id in (select verdict_id from clicks where link_id = $1)
                 on conflict do nothing`)
    await query(`update clicks c set verdict_id = click_verdict_id(v.user_agent, v.referrer, v.requested_with, 'human', 'direct', null, 'dark', 'old', 'old', 'old')
                 from click_verdicts v where v.id = c.verdict_id and c.link_id = $1`)
    await query(`delete from click_rollups_hourly where link_id = $1`)
    await query(`insert into click_rollups_hourly (link_id, hour, kind, medium, app, visibility, clicks)
                 select link_id, date_trunc('hour', clicked_at), kind, medium, '', visibility, count(*) from labeled_clicks where link_id = $1 group by 1,2,3,4,5,6`)
    await query(`delete from click_rollups_daily where link_id = $1`)
    await query(`insert into click_rollups_daily (link_id, day, kind, medium, app, visibility, clicks)
                 select link_id, (hour at time zone 'UTC')::date, kind, medium, app, visibility, sum(clicks)
                 from click_rollups_hourly where link_id = $1 group by 1,2,3,4,5,6`)
    await query(`delete from click_dimensions_daily where link_id = $1`)
    await query(`insert into click_dimensions_daily (link_id, day, dimension, value, clicks)
                 select link_id, (clicked_at at time zone 'UTC')::date, d, 'old', count(*) from clicks, unnest(array['browser','os','device']) d where link_id = $1 group by 1,2,3`)
    await query(`insert into click_dimensions_daily (link_id, day, dimension, value, clicks)
                 select link_id, (clicked_at at time zone 'UTC')::date, 'country', coalesce(country, 'unknown'), count(*) from clicks where link_id = $1 group by 1,2,4`)
    expect(await query(`select distinct kind, browser from labeled_clicks where link_id = $1`)).toEqual([
      { kind: 'human', browser: 'old' },
    ])
    const before = await rollupsAndRecount()
    expect(before.hourly).toEqual(before.recount)

    const progress = await reclassifyClicks(t.app.pg.pool, classify, { since: new Date(0), batchSize: 2 })
    // Ten distinct requests, each with a verdict of old labels in use: ten replaced, ten clicks moved.
    expect(progress).toMatchObject({ verdicts: visits.length, relabelled: visits.length, changed: visits.length })

    const labels = await query(
      `select kind, medium, app, visibility, user_agent from labeled_clicks where link_id = $1 order by id`,
    )
    expect(labels.map(({ kind, medium, app, visibility }) => ({ kind, medium, app, visibility }))).toEqual([
      { kind: 'human', medium: 'direct', app: null, visibility: 'dark' },
      { kind: 'human', medium: 'email', app: 'gmail', visibility: 'dark' },
      { kind: 'preview', medium: null, app: 'whatsapp', visibility: null },
      { kind: 'human', medium: 'in_app', app: 'facebook', visibility: 'dark' },
      { kind: 'human', medium: 'search', app: 'bing', visibility: 'public' },
      { kind: 'human', medium: 'in_app', app: 'facebook', visibility: 'dark' },
      { kind: 'human', medium: 'in_app', app: 'whatsapp', visibility: 'dark' },
      { kind: 'preview', medium: null, app: 'word', visibility: null },
      { kind: 'human', medium: 'referral', app: null, visibility: 'public' },
      { kind: 'human', medium: 'direct', app: null, visibility: 'dark' },
    ])
    const after = await rollupsAndRecount()
    expect(after.hourly).toEqual(after.recount)
    expect(after.daily).toEqual(after.dailyFromHourly)
    expect(after.daily.some((d) => d.medium === 'email')).toBe(true)
    expect(after.dimensions).toEqual(after.dimensionRecount)
    expect(after.dimensions.some((d) => d.value === 'old')).toBe(false)
  })

  it('changes nothing when the labels already match the rules', async () => {
    const before = await rollupsAndRecount()
    expect(await reclassifyClicks(t.app.pg.pool, classify, { since: new Date(0) })).toMatchObject({
      relabelled: 0,
      changed: 0,
    })
    expect(await rollupsAndRecount()).toEqual(before)
  })

  it('picks up the entries of CLASSIFIER_EXTRA for stored clicks', async () => {
    const extra = compileClassifierExtra({
      inAppBrowsers: [{ token: 'AcmeApp', app: 'acme' }],
      previewFetchers: [],
      bots: [],
      referrerHosts: [],
    })
    const withExtra = createClickClassifier({ ownHosts: ['umbra.test'], extra })
    const classifyWithExtra = (c: StoredVerdict) =>
      withExtra({
        ua: c.user_agent ?? '',
        referrer: c.referrer ?? '',
        requestedWith: c.requested_with ?? '',
      })

    expect(await reclassifyClicks(t.app.pg.pool, classifyWithExtra, { since: new Date(0) })).toMatchObject({
      relabelled: 1,
      changed: 1,
    })
    const acme = await t.app.pg.query(
      `select kind, medium, app from labeled_clicks where link_id = $1 and user_agent = $2`,
      [linkId, ACME_APP],
    )
    expect(acme.rows).toEqual([{ kind: 'human', medium: 'in_app', app: 'acme' }])
    const after = await rollupsAndRecount()
    expect(after.hourly).toEqual(after.recount)
    expect(after.daily).toEqual(after.dailyFromHourly)
    expect(after.daily.some((d) => d.medium === 'email')).toBe(true)
  })
})
