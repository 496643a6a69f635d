// npm run bench:stats: 10,000,000 clicks generated straight into Postgres (rows and their rollups), then
// GET /api/v1/links/:code/stats and the topic and channel reports timed against a running server. A separate command: the load takes minutes.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { runMigrations } from '../src/infra/migrate.ts'
import { createBenchDatabase } from './bench-database.ts'
import { freePort, SERVER_CORE, spawnPinned, verdict, waitForHttp } from './bench-processes.ts'

const CLICKS = Number(process.env.BENCH_STATS_CLICKS ?? 10_000_000)
const LINKS = 1_000
const DAYS = 90
const HOT_SHARE = 0.1 // one link gets a tenth of all clicks, the way one viral link does
const REQUESTS = 300
const REPORT_REQUESTS = Number(process.env.BENCH_STATS_REPORT_REQUESTS ?? 20)
const TOPICS = 20
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef'

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
// the hash of the row number picks the link, label, device and visitor, never the time.
const LOAD_CLICKS = `
insert into clicks (id, link_id, clicked_at, verdict_id, visitor, language, country)
select g, l.id, $6::timestamptz + ((g - 1)::float8 * $2 * 86400000 / $7) * interval '1 millisecond', v.id,
       case when v.kind = 'human' then h2 % 200000 end, 'en-us', 'FR'
from generate_series($3::bigint, $4::bigint) g
cross join lateral (select abs(hashint8(g))::bigint as h1, abs(hashint8(-g))::bigint as h2) h
join links l on l.code = 'stats-' || case when h1 % 1000 < $5::float8 * 1000 then 0 else 1 + h2 % ($1 - 1) end
join bench_verdicts v on v.n = (h1 / 7) % 10 and v.d = h2 % 4`

// Rollups recounted from the rows, as the writer would have maintained them.
const BUILD_ROLLUPS = [
  `insert into click_rollups_hourly (link_id, hour, kind, medium, app, visibility, clicks)
   select link_id, date_trunc('hour', clicked_at), kind, coalesce(medium, ''), coalesce(app, ''), coalesce(visibility, ''), count(*)
   from labeled_clicks group by 1, 2, 3, 4, 5, 6`,
  `insert into click_dimensions_daily (link_id, day, dimension, value, clicks)
   select link_id, (clicked_at at time zone 'UTC')::date, d.name, coalesce(d.value, 'unknown'), count(*)
   from labeled_clicks, lateral (values ('browser', browser), ('os', os), ('device', device)) d(name, value)
   where kind = 'human' group by 1, 2, 3, 4`,
  `insert into link_visitors_daily (link_id, day, visitor)
   select distinct link_id, (clicked_at at time zone 'UTC')::date, visitor from labeled_clicks where kind = 'human' and visitor is not null`,
]

async function timeStats(base: string, code: string, query: string) {
  return timeGet(`${base}/api/v1/links/${code}/stats${query}`, REQUESTS)
}

async function timeGet(url: string, requests: number) {
  const ms: number[] = []
  for (let i = 0; i < requests; i++) {
    const started = performance.now()
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    })
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`)
    ms.push(performance.now() - started)
  }
  ms.sort((a, b) => a - b)
  return { p50: ms[Math.floor(ms.length * 0.5)], p95: ms[Math.floor(ms.length * 0.95)] }
}

async function loadClicks(pool: pg.Pool) {
  await runMigrations(pool)
  await pool.query(`select ensure_click_partitions(now() - interval '${DAYS + 31} days', 6)`)
  await pool.query(
    `insert into links (code, url, topics, channel)
     select 'stats-' || g, 'https://example.com/' || g, array['topic-' || g % ${TOPICS}, 'all'], 'channel-' || g % 8
     from generate_series(0, $1::int - 1) g`,
    [LINKS],
  )
  const started = performance.now()
  const start = new Date(Date.now() - DAYS * 86_400_000)
  // One connection, so the temporary table of verdicts is seen by every load step.
  const client = await pool.connect()
  await client.query(LOAD_VERDICTS)
  const step = 1_000_000
  for (let from = 1; from <= CLICKS; from += step) {
    await client.query(LOAD_CLICKS, [LINKS, DAYS, from, Math.min(CLICKS, from + step - 1), HOT_SHARE, start, CLICKS])
    process.stdout.write(
      `\rloading clicks: ${Math.min(CLICKS, from + step - 1).toLocaleString('en')} of ${CLICKS.toLocaleString('en')}`,
    )
  }
  client.release()
  const rowsSeconds = (performance.now() - started) / 1000
  for (const sql of BUILD_ROLLUPS) await pool.query(sql)
  // As autovacuum leaves a live database: pages of past hours all-visible, so the covering index answers
  // alone. Timed right after a bulk load instead, every rollup row is a heap fetch (hot link, 90 days: 17 ms
  // of one query instead of 4 ms, EXPLAIN ANALYZE) until autovacuum gets to them, in the middle of a round.
  await pool.query('vacuum analyze')
  const loadSeconds = (performance.now() - started) / 1000
  const { rows } = await pool.query(
    `select (select count(*) from clicks)::int as clicks, (select count(*) from click_rollups_hourly)::int as hourly,
            (select count(*) from link_visitors_daily)::int as visitors,
            (select count(*) from clicks c join links l on l.id = c.link_id where l.code = 'stats-0')::int as hot`,
  )
  console.log(
    `\nloaded ${rows[0].clicks.toLocaleString('en')} clicks over ${LINKS} links and ${DAYS} days in ${rowsSeconds.toFixed(0)} s, ` +
      `rollups in ${(loadSeconds - rowsSeconds).toFixed(0)} s more (${rows[0].hourly.toLocaleString('en')} hourly rows, ` +
      `${rows[0].visitors.toLocaleString('en')} visitor-days); the hot link has ${rows[0].hot.toLocaleString('en')} clicks`,
  )
}

// BENCH_STATS_DATABASE=<url> times the stats of a database loaded (and kept) by an earlier run instead.
const reused = process.env.BENCH_STATS_DATABASE
const database = reused
  ? { url: reused, drop: async () => {}, keep: async () => {} }
  : await createBenchDatabase('umbra_stats')
const pool = new pg.Pool({ connectionString: database.url, max: 2 })
const dataDir = mkdtempSync(join(tmpdir(), 'umbra-stats-'))
let passed = false
try {
  if (!reused) await loadClicks(pool)

  const port = await freePort()
  const server = spawnPinned(SERVER_CORE, 'src/server.ts', {
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ADMIN_API_KEY: ADMIN_KEY,
    RATE_LIMIT_API_READS: '100000',
  })
  const base = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(`${base}/healthz`)
    const cases = [
      ['hot link, last 30 days (daily series)', 'stats-0', ''],
      ['hot link, 90 days', 'stats-0', `?from=${new Date(Date.now() - DAYS * 86_400_000).toISOString()}`],
      [
        'hot link, last 3 days (hourly series)',
        'stats-0',
        `?from=${new Date(Date.now() - 3 * 86_400_000).toISOString()}`,
      ],
      ['typical link, last 30 days', 'stats-500', ''],
    ] as const
    const results: boolean[] = []
    for (const [what, code, query] of cases) {
      await timeStats(base, code, query) // warm
      const t = await timeStats(base, code, query)
      const ok = t.p95 <= 20
      results.push(ok)
      console.log(
        `${verdict(ok)}  stats ≤ 20 ms p95 — ${what}: p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms (${REQUESTS} sequential requests)`,
      )
    }
    const since = (days: number) => `from=${new Date(Date.now() - days * 86_400_000).toISOString()}`
    const reports = [
      ['topics report, 90 days', `/reports/topics?${since(DAYS)}`],
      ['topics report, last 30 days', '/reports/topics'],
      ['channels report, one topic, 90 days', `/reports/channels?topic=topic-3&${since(DAYS)}`],
      ['channels report, 90 days', `/reports/channels?${since(DAYS)}`],
      ['channels report, last 7 days', `/reports/channels?${since(7)}`],
    ] as const
    for (const [what, path] of reports) {
      await timeGet(`${base}/api/v1${path}`, 1) // warm
      const t = await timeGet(`${base}/api/v1${path}`, REPORT_REQUESTS)
      const ok = t.p95 <= 500
      results.push(ok)
      console.log(
        `${verdict(ok)}  report ≤ 500 ms p95 — ${what}: p50 ${t.p50.toFixed(0)} ms, p95 ${t.p95.toFixed(0)} ms (${REPORT_REQUESTS} sequential requests)`,
      )
    }
    passed = results.every(Boolean)
  } finally {
    await server.stop()
  }
} finally {
  await pool.end()
  // BENCH_STATS_KEEP=1 keeps the loaded database for EXPLAIN ANALYZE (drop it by hand afterwards).
  if (process.env.BENCH_STATS_KEEP || reused) {
    console.log(`kept ${database.url}`)
    await database.keep()
  } else await database.drop()
  rmSync(dataDir, { recursive: true, force: true })
}
console.log(passed ? 'bench:stats: all bars PASS' : 'bench:stats: some bars FAIL')
process.exitCode = passed ? 0 : 1
