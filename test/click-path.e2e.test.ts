import { describe, expect, it } from 'vitest'
import { auth, eventually, startTestApp, type DatabaseChoice } from './support/test-app.ts'
import type { LinkStats } from '../src/analytics/link-stats.ts'

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const INSTAGRAM =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 329.0.0.40.100 (iPhone14,2; iOS 17_4; en_US; en; scale=3.00; 1170x2532; 602012345)'
const WHATSAPP_PREVIEW = 'WhatsApp/2.24.6.77 A'
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

/** The requests a link receives in this scenario, as a browser and apps would send them. */
const visits: { ua: string; referrer?: string; method?: 'GET' | 'HEAD'; headers?: Record<string, string> }[] = [
  { ua: CHROME },
  { ua: CHROME },
  { ua: CHROME, referrer: 'https://mail.google.com/' },
  { ua: CHROME, referrer: 'https://www.google.com/' },
  { ua: INSTAGRAM },
  { ua: WHATSAPP_PREVIEW },
  { ua: GOOGLEBOT },
  { ua: CHROME, method: 'HEAD' },
  { ua: CHROME, headers: { 'sec-purpose': 'prefetch' } },
]

describe.each<DatabaseChoice>(['postgres', 'embedded'])(
  'mint → 302 → capture → batch → rollups → stats (%s database)',
  (database) => {
    it('counts every redirect once, labels it, and reports it in the stats', async () => {
      const t = await startTestApp({}, database)
      const base = await t.app.listen({ host: '127.0.0.1', port: 0 })
      const created = await fetch(`${base}/api/v1/links`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://example.com/article', topics: ['news'], channel: 'whatsapp' }),
      })
      expect(created.status).toBe(201)
      const { code } = (await created.json()) as { code: string }

      for (const v of visits) {
        const res = await fetch(`${base}/${code}`, {
          method: v.method ?? 'GET',
          redirect: 'manual',
          headers: { 'user-agent': v.ua, ...(v.referrer ? { referer: v.referrer } : {}), ...v.headers },
        })
        expect(res.status).toBe(302)
        expect(res.headers.get('location')).toBe('https://example.com/article')
        expect(res.headers.get('cache-control')).toBe('private, no-store')
      }

      // A click shows up in stats within 2 seconds.
      const stats = await eventually(async () => {
        const s = (await (await fetch(`${base}/api/v1/links/${code}/stats`, { headers: auth })).json()) as LinkStats
        return s.clicks + s.previews + s.bots === 7 && s.lossLedger.head + s.lossLedger.prefetch === 2 ? s : null
      }, 2_000)
      expect(stats).toMatchObject({
        code,
        clicks: 5,
        uniques: 2, // the same Chrome from one IP is one visitor; Instagram is another
        dark: 4,
        public: 1,
        darkShare: 0.8,
        previews: 1,
        bots: 1,
        byMedium: { direct: 2, email: 1, search: 1, in_app: 1 },
        byVisibility: { dark: 4, public: 1 },
        previewsByApp: { whatsapp: 1 },
        lossLedger: { preview: 1, bot: 1, head: 1, prefetch: 1 },
      })
      expect(stats.byApp).toMatchObject({ instagram: 1, gmail: 1 })
      expect(stats.series.reduce((n: number, p: { clicks: number }) => n + p.clicks, 0)).toBe(5)
      expect(stats.byDevice).toMatchObject({ mobile: 1 })

      await t.app.close()
      // After close the tables agree with what was served: 7 click rows (HEAD and prefetch are not clicks).
      const reopened = await startTestApp({ DATA_DIR: t.config.dataDir }, database)
      const { rows } = await reopened.app.pg.query(
        `select (select count(*) from clicks c join links l on l.id = c.link_id where l.code = $1)::int as clicks,
              (select sum(r.clicks) from click_rollups_hourly r join links l on l.id = r.link_id where l.code = $1)::int as rollups`,
        [code],
      )
      expect(rows[0]).toEqual({ clicks: 7, rollups: 9 })
      await reopened.close()
    })
  },
)
