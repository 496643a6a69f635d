import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestKey } from '../../test/support/api-keys.ts'
import { auth, startTestApp, type DatabaseChoice, type TestApp } from '../../test/support/test-app.ts'

const SITE = 'https://ingest.example'
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'
const INSTAGRAM = `${IPHONE.replace(' Safari/604.1', '')} Instagram 340.0.0.22.109 (iPhone14,5; iOS 17_5; en_US; en; scale=3.00; 1170x2532; 618023787)`

type Sent = { body: Record<string, unknown>; ua: string }

describe.each<DatabaseChoice>(['postgres', 'embedded'])(
  'beacons through the event pipeline, across a restart (%s)',
  (database) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'umbra-funnel-'))
    let t: TestApp
    let pk: string
    let url: string
    let contentId: string
    let copyCode: string

    const start = () => startTestApp({ DATA_DIR: dataDir, RATE_LIMIT_WIDGET: '100000' }, database)
    beforeAll(async () => {
      t = await start()
      pk = (await createTestKey(t.app, { kind: 'publishable', origins: [SITE] })).secret
      url = `${SITE}/story-${Date.now()}`
      const kit = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/shares',
          headers: auth,
          payload: { url, channels: ['whatsapp', 'copy'] },
        })
      ).json()
      contentId = kit.content.id
      copyCode = kit.links.find((l: { channel: string }) => l.channel === 'copy').code
    })
    afterAll(async () => {
      await t?.app.close()
      rmSync(dataDir, { recursive: true, force: true })
    })

    const send = (s: Sent) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/beacons?key=${pk}`,
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SITE, 'user-agent': s.ua },
        payload: JSON.stringify({ url, page: url, ...s.body }),
      })
    const share = (channel: string): Sent => ({ body: { type: 'share', channel }, ua: IPHONE })
    const arrival = (extra: Record<string, unknown>, ua = IPHONE): Sent => ({
      body: { type: 'arrival', referrer: '', generation: 0, ...extra },
      ua,
    })
    const batch = () => [
      share('whatsapp'),
      share('whatsapp'),
      share('native'),
      share('copy_text'),
      arrival({ via: copyCode }),
      arrival({ via: copyCode }),
      arrival({ parent: 'AAAAAAAA', token: 'BBBBBBBB', generation: 1 }),
      arrival({ parent: 'BBBBBBBB', generation: 2 }, INSTAGRAM),
      arrival({}),
      arrival({}, INSTAGRAM),
      arrival({ referrer: 'https://www.google.com/' }),
      // Not counted: a link code of another content is no short link of this one, and a bot is no reader.
      arrival({ via: 'not-its-link' }),
      arrival({}, 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'),
    ]

    it('counts every answered beacon once, rollups equal to a recount of the rows', async () => {
      for (const s of batch()) expect((await send(s)).statusCode).toBe(204)
      // A restart in the middle: close flushes; the next process starts on the same journal directory.
      await t.app.close()
      t = await start()
      for (const s of batch()) expect((await send(s)).statusCode).toBe(204)
      await t.app.funnel.flush()

      const report = (await t.app.inject({ url: `/api/v1/reports/funnel?content=${contentId}`, headers: auth })).json()
      // Two rounds of: 4 share actions; arrivals 2 via short link, 2 address bar (gen 1, 2), 3 unattributed
      // (no referrer twice — one of them the stray code — and Instagram's in-app browser), 1 public.
      expect(report.shares).toEqual({ total: 8, byChannel: { whatsapp: 4, native: 2, copy_text: 2 } })
      expect(report.addressBar).toEqual({ arrivals: 4, byGeneration: { '1': 2, '2': 2 } })
      expect(report.arrivals).toMatchObject({
        total: 16,
        viaShortLink: 4,
        viaAddressBar: 4,
        unattributed: 6,
        public: 2,
        dark: 14,
      })
      expect(report.arrivals.byApp).toEqual({ instagram: 4, google: 2 })

      // The independent recount: the raw rows, grouped as the rollups are.
      const db = t.app.pg
      const raw = await db.query(
        `select type, coalesce(channel, '') as channel, coalesce(source, '') as source, coalesce(generation, 0) as generation, count(*)::int as n
       from funnel_events where content_id = $1 group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
        [contentId],
      )
      // The hourly and the daily rollups each add up to the events.
      for (const grain of ['hourly', 'daily']) {
        const rolled = await db.query(
          `select 'share' as type, channel, '' as source, 0 as generation, sum(shares)::int as n from share_rollups_${grain} where content_id = $1 group by 2
         union all
         select 'arrival', '', source, generation, sum(arrivals)::int from arrival_rollups_${grain} where content_id = $1 group by 3, 4
         order by 1, 2, 3, 4`,
          [contentId],
        )
        expect(rolled.rows, grain).toEqual(raw.rows)
      }
      expect(raw.rows.reduce((n, r) => n + r.n, 0)).toBe(24)
      const ids = await db.query('select count(distinct id)::int as n from funnel_events where content_id = $1', [
        contentId,
      ])
      expect(ids.rows[0].n).toBe(24)
      // The tokens a via-link or address-bar arrival carried are kept with it, nothing about the reader.
      const tokens = await db.query(
        `select token, parent_token from funnel_events where content_id = $1 and generation = 1`,
        [contentId],
      )
      expect(tokens.rows).toEqual([
        { token: 'BBBBBBBB', parent_token: 'AAAAAAAA' },
        { token: 'BBBBBBBB', parent_token: 'AAAAAAAA' },
      ])
    })
  },
)
