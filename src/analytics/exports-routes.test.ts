import { request as httpRequest, type IncomingMessage } from 'node:http'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { referenceClickCsv } from '../../test/support/reference-click-csv.ts'
import { auth, createScratchDatabase, eventually, startTestApp, type TestApp } from '../../test/support/test-app.ts'

// Enough rows (~13 MB of CSV) that a download is still running when the test stops reading it.
const CLICKS = 150_000
const FROM = '2025-05-01T00:00:00.000Z'
const TO = '2025-05-08T00:00:00.000Z'
const range = `from=${FROM}&to=${TO}`

describe('GET /api/v1/exports/clicks.csv: a capped, streamed export over a listening server', () => {
  let scratch: NonNullable<Awaited<ReturnType<typeof createScratchDatabase>>>
  let t: TestApp
  let base: string
  let admin: pg.Client

  beforeAll(async () => {
    const made = await createScratchDatabase()
    if (!made) throw new Error('this test needs the database of the run')
    scratch = made
    t = await startTestApp({ DATABASE_URL: scratch.url, EXPORTS_MAX_CONCURRENT: '1', EXPORT_IDLE_TIMEOUT_MS: '1000' })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    admin = new pg.Client({ connectionString: scratch.url })
    await admin.connect()
    const links = await admin.query(
      `insert into links (code, url, topics) values ('ex-a', 'https://example.com/a', '{news}'), ('ex-b', 'https://example.com/b', '{}') returning id`,
    )
    await admin.query(`insert into click_verdicts (id, kind, medium, visibility) values (1, 'human', 'direct', 'dark')`)
    await admin.query(
      `insert into clicks (id, link_id, clicked_at, verdict_id, country)
       select i, case when i % 3 = 0 then $1::bigint else $2::bigint end, $3::timestamptz + i * interval '3 s', 1, 'DE'
       from generate_series(1, ${CLICKS}) i`,
      [links.rows[0].id, links.rows[1].id, FROM],
    )
  }, 120_000)

  afterAll(async () => {
    await admin?.end()
    await t?.close()
    await scratch?.drop()
  })

  /** Starts a download and resolves with its response once the first bytes are in; nothing more is read. */
  const startDownload = (query = range) =>
    new Promise<{ res: IncomingMessage; abort: () => void }>((resolve, reject) => {
      const req = httpRequest(`${base}/api/v1/exports/clicks.csv?${query}`, { headers: auth }, (res) => {
        res.once('readable', () => {
          res.pause()
          resolve({ res, abort: () => req.destroy() })
        })
      })
      req.on('error', () => {})
      req.once('error', reject)
      req.end()
    })

  const exportTransactions = async () =>
    (
      await admin.query(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle' and query ~ 'click_export'`,
      )
    ).rows[0].n as number

  const get = (url: string) => t.app.inject({ url, headers: auth })

  it('streams the bytes the JS export wrote, for each filter', async () => {
    const linkId = (await admin.query(`select id from links where code = 'ex-a'`)).rows[0].id
    for (const [query, filter] of [
      [
        'from=2025-05-01T00:00:00.000Z&to=2025-05-01T06:00:00.000Z',
        { from: new Date(FROM), to: new Date('2025-05-01T06:00:00.000Z') },
      ],
      [
        'from=2025-05-01T00:00:00.000Z&to=2025-05-01T06:00:00.000Z&topic=news',
        { from: new Date(FROM), to: new Date('2025-05-01T06:00:00.000Z'), topic: 'news' },
      ],
      [
        'from=2025-05-01T00:00:00.000Z&to=2025-05-01T06:00:00.000Z&link=ex-a',
        { from: new Date(FROM), to: new Date('2025-05-01T06:00:00.000Z'), linkId },
      ],
    ] as const) {
      const res = await get(`/api/v1/exports/clicks.csv?${query}`)
      expect(res.statusCode, query).toBe(200)
      const expected = await referenceClickCsv(admin, filter)
      expect(expected.split('\r\n').length, query).toBeGreaterThan(1_000)
      expect(res.body, query).toBe(expected)
    }
    expect((await get(`/api/v1/exports/clicks.csv?${range}&link=nope-nope`)).statusCode).toBe(404)
  })

  it('refuses an export beyond the cap with a 503 problem, and runs one again once the first is gone', async () => {
    const first = await startDownload()
    expect(first.res.statusCode).toBe(200)
    const refused = await get(`/api/v1/exports/clicks.csv?${range}`)
    expect(refused.statusCode).toBe(503)
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(refused.headers['retry-after']).toBe('10')
    expect(refused.json()).toMatchObject({ status: 503, type: expect.stringMatching(/exports-busy$/) })
    // Stats still answer while the export holds its connection, and so does HEAD: it opens no export.
    expect((await get('/api/v1/links/ex-a/stats')).statusCode).toBe(200)
    const head = await t.app.inject({ method: 'HEAD', url: `/api/v1/exports/clicks.csv?${range}`, headers: auth })
    expect(head.statusCode).toBe(200)
    expect(head.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(head.headers['content-disposition']).toMatch(/^attachment; filename="clicks-all-/)
    expect(head.body).toBe('')

    first.abort()
    // The client's going away frees the slot and ends the export's transaction on Postgres.
    await eventually(async () => (await exportTransactions()) === 0)
    const again = await eventually(async () => {
      const res = await get(`/api/v1/exports/clicks.csv?from=${FROM}&to=2025-05-01T01:00:00.000Z`)
      return res.statusCode === 200 ? res : null
    })
    expect(again.body.split('\r\n')[0]).toBe(
      'clicked_at,code,channel,topics,campaign,content_id,kind,medium,app,visibility,browser,os,device,country,region,city,language',
    )
  })

  it('cuts off a client that stops reading, and frees its slot and connection', async () => {
    const stalled = await startDownload()
    expect(stalled.res.statusCode).toBe(200)
    expect(await exportTransactions()).toBe(1)
    // EXPORT_IDLE_TIMEOUT_MS is 1 s: the server ends the response the client stopped reading.
    const ended = new Promise<string>((resolve) => {
      stalled.res.once('aborted', () => resolve('aborted'))
      stalled.res.once('error', () => resolve('error'))
      stalled.res.once('end', () => resolve('end'))
    })
    await eventually(async () => (await exportTransactions()) === 0, 15_000)
    stalled.res.resume()
    expect(await ended).not.toBe('end')
    const after = await get(`/api/v1/exports/clicks.csv?from=${FROM}&to=2025-05-01T01:00:00.000Z`)
    expect(after.statusCode).toBe(200)
  })
})
