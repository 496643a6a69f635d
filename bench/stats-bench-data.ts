// The data of npm run bench:stats: clicks generated straight into Postgres with their rollups, as the writer
// would have kept them, plus the share kits, share funnel rollups and conversions the reports read.
import type pg from 'pg'
import { runMigrations } from '../src/infra/migrate.ts'

export const LINKS = 1_000
export const DAYS = 90
export const TOPICS = 20
/** Share kits: eight consecutive links (one per channel) make one content. */
export const CONTENTS = LINKS / 8
const HOT_SHARE = 0.1 // one link gets a tenth of all clicks, the way one viral link does
const COUNTRIES = "array['FR', 'DE', 'US', 'GB', 'ES']"

// A verdict per label and device (the generator picks both from a hash of the row number), made first.
const LOAD_VERDICTS = `
create temp table bench_verdicts as
select lab.n, dev.d, click_verdict_id(dev.ua, lab.referrer, null, lab.kind, lab.medium, lab.app, lab.visibility, dev.browser, dev.os, dev.device) as id,
       dev.ua, lab.referrer, lab.kind, lab.medium, lab.app, lab.visibility, dev.browser, dev.os, dev.device
from (values
  (0, 'human', 'direct', null, 'dark', null), (1, 'human', 'direct', null, 'dark', null), (2, 'human', 'in_app', 'instagram', 'dark', null),
  (3, 'human', 'email', 'gmail', 'dark', 'https://mail.google.com/'), (4, 'human', 'messaging', 'whatsapp', 'dark', 'https://web.whatsapp.com/'),
  (5, 'human', 'search', 'google', 'public', 'https://www.google.com/'), (6, 'human', 'social', 'facebook', 'public', 'https://www.facebook.com/'),
  (7, 'human', 'referral', null, 'public', 'https://news.example/'), (8, 'preview', null, 'whatsapp', null, null), (9, 'bot', null, null, null, null)
) as lab(n, kind, medium, app, visibility, referrer)
cross join (select d, 'Mozilla/5.0 (device ' || d || ') AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' as ua,
                   (array['Chrome', 'Safari', 'Instagram', 'Firefox'])[1 + d] as browser, (array['Windows', 'iOS', 'Android', 'macOS'])[1 + d] as os,
                   (array['desktop', 'mobile', 'mobile', 'desktop'])[1 + d] as device
            from generate_series(0, 3) d) as dev;
insert into click_verdicts select distinct on (id) id, ua, referrer, null, kind, medium, app, visibility, browser, os, device from bench_verdicts`

// Clicks spread evenly over the whole range in id order, as they arrive (ids and times both increasing):
// the hash of the row number picks the link, label, device, visitor and place, never the time.
const LOAD_CLICKS = `
insert into clicks (id, link_id, clicked_at, verdict_id, visitor, language, country, region, city)
select g, l.id, $6::timestamptz + ((g - 1)::float8 * $2 * 86400000 / $7) * interval '1 millisecond', v.id,
       case when v.kind = 'human' then h2 % 200000 end, 'en-us', (${COUNTRIES})[1 + h1 % 5],
       'R' || h2 % 3, 'City ' || h1 % 40
from generate_series($3::bigint, $4::bigint) g
cross join lateral (select abs(hashint8(g))::bigint as h1, abs(hashint8(-g))::bigint as h2) h
join links l on l.code = 'stats-' || case when h1 % 1000 < $5::float8 * 1000 then 0 else 1 + h2 % ($1 - 1) end
join bench_verdicts v on v.n = (h1 / 7) % 10 and v.d = h2 % 4`

// Rollups recounted from the rows, as the writer would have maintained them (the daily ones as migration 046 fills
// them), in day order as the writer adds them (the BRIN indexes on day depend on it).
const BUILD_ROLLUPS = [
  `insert into click_rollups_hourly (link_id, hour, kind, medium, app, visibility, clicks)
   select link_id, date_trunc('hour', clicked_at), kind, coalesce(medium, ''), coalesce(app, ''), coalesce(visibility, ''), count(*)
   from labeled_clicks group by 1, 2, 3, 4, 5, 6`,
  `insert into click_rollups_daily (link_id, day, kind, medium, app, visibility, clicks)
   select link_id, (hour at time zone 'UTC')::date, kind, medium, app, visibility, sum(clicks)
   from click_rollups_hourly group by 1, 2, 3, 4, 5, 6 order by 2`,
  `insert into click_days (day, clicks) select (hour at time zone 'UTC')::date, sum(clicks) from click_rollups_hourly group by 1`,
  `insert into click_dimensions_daily (link_id, day, dimension, value, clicks)
   select link_id, (clicked_at at time zone 'UTC')::date, d.name, coalesce(d.value, 'unknown'), count(*)
   from labeled_clicks, lateral (values ('browser', browser), ('os', os), ('device', device), ('country', country),
                                        ('city', country || '/' || coalesce(region, '') || '/' || city)) d(name, value)
   where kind = 'human' group by 1, 2, 3, 4 order by 2`,
  `insert into link_visitors_daily (link_id, day, visitor)
   select distinct link_id, (clicked_at at time zone 'UTC')::date, visitor from labeled_clicks where kind = 'human' and visitor is not null
   order by 2`,
]

// The share funnel's rollups: a share action per content and hour (channel by hash), and arrivals via the
// short link and from the address bar; a conversion per ~1,000 clicks. Far fewer rows than the clicks'.
const LOAD_FUNNEL = [
  `insert into share_rollups_hourly (content_id, hour, channel, shares)
   select c.id, h, 'channel-' || abs(hashint8(c.id * 100000 + extract(epoch from h)::bigint)) % 8, 1 + abs(hashint8(c.id - extract(epoch from h)::bigint)) % 3
   from contents c, generate_series(date_trunc('hour', $1::timestamptz), now(), interval '1 hour') h`,
  `insert into arrival_rollups_hourly (content_id, hour, medium, app, visibility, source, generation, arrivals)
   select c.id, h, s.medium, s.app, s.visibility, s.source, s.generation, 1 + abs(hashint8(c.id * 7 + extract(epoch from h)::bigint)) % 4
   from contents c, generate_series(date_trunc('hour', $1::timestamptz), now(), interval '1 hour') h,
        (values ('direct', '', 'dark', 'via_short_link', 0), ('messaging', 'whatsapp', 'dark', 'address_bar', 1)) s(medium, app, visibility, source, generation)`,
  `insert into share_rollups_daily (content_id, day, channel, shares)
   select content_id, (hour at time zone 'UTC')::date, channel, sum(shares) from share_rollups_hourly group by 1, 2, 3`,
  `insert into arrival_rollups_daily (content_id, day, medium, app, visibility, source, generation, arrivals)
   select content_id, (hour at time zone 'UTC')::date, medium, app, visibility, source, generation, sum(arrivals)
   from arrival_rollups_hourly group by 1, 2, 3, 4, 5, 6, 7`,
  `insert into conversions (click_id, clicked_at, link_id, verdict_id, event, value, currency, created_at)
   select c.id, c.clicked_at, c.link_id, c.verdict_id, case when c.id % 3 = 0 then 'sale' else 'lead' end,
          case when c.id % 3 = 0 then 10 + c.id % 90 end, case when c.id % 3 = 0 then 'EUR' end, c.clicked_at + interval '5 minutes'
   from clicks c where c.id % 1000 = 0`,
]

export async function loadClicks(pool: pg.Pool, clicks: number) {
  await runMigrations(pool)
  await pool.query(`select ensure_click_partitions(now() - interval '${DAYS + 31} days', 6)`)
  await pool.query(
    `insert into contents (id, url, topics, campaign) overriding system value
     select c, 'https://example.com/page/' || c, array['topic-' || c % ${TOPICS}, 'all'], 'campaign-' || c % 5
     from generate_series(1, $1::int) c`,
    [CONTENTS],
  )
  await pool.query(
    `insert into links (code, url, topics, channel, campaign, content_id)
     select 'stats-' || g, 'https://example.com/' || g, array['topic-' || g % ${TOPICS}, 'all'], 'channel-' || g % 8,
            'campaign-' || (1 + g / 8) % 5, 1 + g / 8
     from generate_series(0, $1::int - 1) g`,
    [LINKS],
  )
  const started = performance.now()
  const start = new Date(Date.now() - DAYS * 86_400_000)
  // One connection, so the temporary table of verdicts is seen by every load step.
  const client = await pool.connect()
  await client.query(LOAD_VERDICTS)
  const step = 1_000_000
  for (let from = 1; from <= clicks; from += step) {
    await client.query(LOAD_CLICKS, [LINKS, DAYS, from, Math.min(clicks, from + step - 1), HOT_SHARE, start, clicks])
    process.stdout.write(
      `\rloading clicks: ${Math.min(clicks, from + step - 1).toLocaleString('en')} of ${clicks.toLocaleString('en')}`,
    )
  }
  client.release()
  const rowsSeconds = (performance.now() - started) / 1000
  for (const sql of BUILD_ROLLUPS) await pool.query(sql)
  for (const sql of LOAD_FUNNEL) await pool.query(sql, sql.includes('$1') ? [start] : [])
  // As autovacuum leaves a live database: pages of past hours all-visible, so the covering index answers
  // alone. Timed right after a bulk load instead, every rollup row is a heap fetch (hot link, 90 days: 17 ms
  // of one query instead of 4 ms, EXPLAIN ANALYZE) until autovacuum gets to them, in the middle of a round.
  await pool.query('vacuum analyze')
  const loadSeconds = (performance.now() - started) / 1000
  const { rows } = await pool.query(
    `select (select count(*) from clicks)::int as clicks, (select count(*) from click_rollups_hourly)::int as hourly,
            (select count(*) from click_rollups_daily)::int as daily,
            (select count(*) from link_visitors_daily)::int as visitors,
            (select count(*) from arrival_rollups_hourly)::int as arrivals,
            (select count(*) from clicks c join links l on l.id = c.link_id where l.code = 'stats-0')::int as hot`,
  )
  const n = (x: number) => x.toLocaleString('en')
  console.log(
    `\nloaded ${n(rows[0].clicks)} clicks over ${LINKS} links and ${DAYS} days in ${rowsSeconds.toFixed(0)} s, ` +
      `rollups in ${(loadSeconds - rowsSeconds).toFixed(0)} s more (${n(rows[0].hourly)} hourly rows, ${n(rows[0].daily)} daily, ` +
      `${n(rows[0].visitors)} visitor-days, ${n(rows[0].arrivals)} arrival rows); the hot link has ${n(rows[0].hot)} clicks`,
  )
}
