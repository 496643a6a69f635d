import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { snapshotTables } from '../../test/support/table-snapshot.ts'
import { auth, createScratchDatabase, eventually, startTestApp, type TestApp } from '../../test/support/test-app.ts'
import { runImportCommand } from '../cli/import-command.ts'
import { MAX_IMPORT_BYTES } from './imports-routes.ts'

// A database of its own: whole-table snapshots must not see other test files' writes.
let scratch: NonNullable<Awaited<ReturnType<typeof createScratchDatabase>>>
let t: TestApp
const dir = mkdtempSync(join(tmpdir(), 'umbra-import-'))
const FIXTURES = fileURLToPath(new URL('../../test/fixtures/import/', import.meta.url))
const UMBRA = fileURLToPath(new URL('../../bin/umbra', import.meta.url))

beforeAll(async () => {
  const db = await createScratchDatabase()
  if (!db) throw new Error('these tests need the real Postgres')
  scratch = db
  t = await startTestApp({ DATABASE_URL: scratch.url, RATE_LIMIT_API_WRITES: '100000', RATE_LIMIT_API_READS: '100000' })
})
afterAll(async () => {
  await t?.close()
  await scratch?.drop()
  rmSync(dir, { recursive: true, force: true })
})

const snapshot = () => snapshotTables(t.app.pg)
const importFile = (
  query: string,
  payload: string | Buffer,
  contentType = 'text/csv',
  headers: Record<string, string> = auth,
) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/imports?${query}`,
    headers: { ...headers, 'content-type': contentType },
    payload,
  })
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')
const typeOf = (name: string) => (name.endsWith('.json') ? 'application/json' : 'text/csv')
const link = async (code: string) =>
  (
    await t.app.pg.query(
      'select l.*, i.source, i.clicks from links l left join imported_links i on i.link_id = l.id where code = $1',
      [code],
    )
  ).rows[0]

type Expected = { created: number; unchanged: number; conflicts: [number, string | null, RegExp][]; warnings?: number }

// In order: later files meet what earlier ones made (12C18 is in both Shlink exports, with the same target).
const ROUND_TRIPS: [string, string, string, Expected][] = [
  [
    'bitly',
    'bitly-links.csv',
    '',
    {
      created: 5,
      unchanged: 2,
      conflicts: [
        [4, 'api', /reserved/],
        [5, 'taken-code', /already used here for another target \(https:\/\/example\.com\/theirs\)/],
        [7, 'badurl', /absolute http/],
        [8, 'loop1', /redirect loop/],
        [10, 'twice', /line 9 of this file/],
      ],
      warnings: 2,
    },
  ],
  ['bitly', 'bitly-bitlinks.json', '', { created: 4, unchanged: 0, conflicts: [[3, 'noTarget', /url: missing/]] }],
  [
    'shlink',
    'shlink-short-urls.json',
    '&domain=umbra.test',
    {
      created: 2,
      unchanged: 0,
      conflicts: [
        [3, 'elsewhere', /only links on umbra\.test/],
        [4, 'blog/post', /3 to 64 characters/],
      ],
      warnings: 1,
    },
  ],
  ['shlink', 'shlink-export.csv', '', { created: 1, unchanged: 1, conflicts: [[3, 'ünïcode', /3 to 64 characters/]] }],
  [
    'yourls',
    'yourls-url.csv',
    '',
    {
      created: 3,
      unchanged: 0,
      conflicts: [
        [5, 'index', /reserved/],
        [6, 'gone', /absolute http/],
        [7, null, /code: missing/],
      ],
    },
  ],
  ['yourls', 'yourls-plugin.csv', '', { created: 2, unchanged: 0, conflicts: [] }],
  [
    'kutt',
    'kutt-links.json',
    '',
    {
      created: 3,
      unchanged: 0,
      conflicts: [
        [2, 'secret', /password-protected/],
        [3, 'banned1', /banned/],
      ],
    },
  ],
  [
    'csv',
    'links.csv',
    '',
    {
      created: 4,
      unchanged: 0,
      conflicts: [
        [5, null, /code: missing/],
        [6, 'csv four', /3 to 64/],
        [7, 'csv-five', /url: missing/],
      ],
      warnings: 1,
    },
  ],
]

describe('import round trips', () => {
  it('sets up links an export clashes with: one code taken by another target, one by the same', async () => {
    for (const payload of [
      { code: 'taken-code', url: 'https://example.com/theirs' },
      { code: 'same-code', url: 'https://example.com/same' },
    ])
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/links', headers: auth, payload })).statusCode).toBe(
        201,
      )
  })

  it.each(ROUND_TRIPS)(
    '%s %s: imports, reports conflicts by line; a second run changes nothing',
    async (format, file, extra, expected) => {
      const res = await importFile(`format=${format}${extra}`, fixture(file), typeOf(file))
      expect(res.statusCode, res.body).toBe(200)
      const summary = res.json()
      expect(summary).toMatchObject({ format, dryRun: false, created: expected.created, unchanged: expected.unchanged })
      expect(summary.conflicts.map((c: { line: number; code: string | null }) => [c.line, c.code])).toEqual(
        expected.conflicts.map(([line, code]) => [line, code]),
      )
      summary.conflicts.forEach((c: { reason: string }, i: number) => {
        expect(c.reason).toMatch(expected.conflicts[i][2])
      })
      expect(summary.warnings).toHaveLength(expected.warnings ?? 0)

      const before = await snapshot()
      const again = (await importFile(`format=${format}${extra}`, fixture(file), typeOf(file))).json()
      expect(again).toMatchObject({ created: 0, unchanged: expected.created + expected.unchanged })
      expect(again.conflicts).toHaveLength(expected.conflicts.length)
      expect(await snapshot()).toEqual(before)
    },
  )

  it('keeps codes, targets (IDN as punycode), titles, topics, dates and expiry', async () => {
    expect(await link('3xYz9Ab')).toMatchObject({
      url: 'https://shop.example.com/spring?utm_source=bitly',
      title: 'Spring sale',
      topics: ['spring', 'sale'],
      created_at: new Date('2021-03-04T05:06:07Z'),
      expires_at: null,
      source: 'bitly',
      clicks: '1234',
    })
    expect(await link('spring-sale')).toMatchObject({
      url: 'https://shop.example.com/spring?utm_source=bitly',
      clicks: null,
    })
    expect(await link('4Buch')).toMatchObject({
      url: 'https://xn--bcher-kva.example/katalog',
      topics: ['books-2022'],
      clicks: '1024',
      created_at: new Date('2022-11-30T10:00:00Z'),
    })
    expect(await link('guide')).toMatchObject({
      url: 'https://xn--r8jz45g.jp/%E3%83%89%E3%82%AD%E3%83%A5%E3%83%A1%E3%83%B3%E3%83%88',
    })
    expect(await link('12C18')).toMatchObject({
      source: 'shlink',
      clicks: '328',
      expires_at: new Date('2099-01-01T00:00:00Z'),
      topics: ['games', 'tech'],
    })
    expect(await link('1')).toMatchObject({
      url: 'https://example.org/first',
      source: 'yourls',
      clicks: '5012',
      created_at: new Date('2009-10-01T08:00:00Z'),
    })
    expect(await link('idn')).toMatchObject({ source: 'kutt', clicks: '8', title: 'IDN target' })
    expect(await link('csv-one')).toMatchObject({
      topics: ['news', 'climate change'],
      expires_at: new Date('2099-06-30T00:00:00Z'),
      source: 'csv',
      clicks: '42',
    })
    expect(await link('csv-six')).toMatchObject({ clicks: null })
    expect(await link('taken-code')).toMatchObject({ url: 'https://example.com/theirs', source: null })
    expect(await link('secret')).toBeUndefined()
    // Totals are never click rows.
    expect((await t.app.pg.query('select count(*)::int as n from clicks')).rows[0].n).toBe(0)
  })

  it('redirects imported codes (one character ones too), answers 410 for links that expired in the old tool', async () => {
    expect((await t.app.inject({ url: '/1' })).headers.location).toBe('https://example.org/first')
    expect((await t.app.inject({ url: '/x' })).headers.location).toBe('https://example.com/one-char')
    expect((await t.app.inject({ url: '/old-promo' })).statusCode).toBe(410)
    // The two clicks land before the snapshots below are taken.
    await eventually(async () => (await t.app.pg.query('select count(*)::int as n from clicks')).rows[0].n === 2)
  })

  it('shows imported totals in stats apart from the clicks counted here', async () => {
    const stats = (await t.app.inject({ url: '/api/v1/links/3xYz9Ab/stats', headers: auth })).json()
    expect(stats).toMatchObject({ clicks: 0, importedClicks: 1234, importedFrom: 'bitly' })
    const own = (await t.app.inject({ url: '/api/v1/links/taken-code/stats', headers: auth })).json()
    expect(own).toMatchObject({ importedClicks: null, importedFrom: null })
  })
})

describe('dry run and all-or-nothing', () => {
  const fresh =
    'code,url,title,clicks\ndry-one,https://example.com/d1,D1,3\ndry-two,https://example.com/d2,,\nsame-code,https://example.com/other,,\n'

  it('a dry run says what would happen and changes nothing; the real run then does just that', async () => {
    const before = await snapshot()
    const dry = await importFile('format=csv&dryRun=true', fresh)
    expect(dry.json()).toMatchObject({
      dryRun: true,
      created: 2,
      unchanged: 0,
      conflicts: [{ line: 4, code: 'same-code' }],
    })
    expect(await snapshot()).toEqual(before)
    expect((await importFile('format=csv', fresh)).json()).toMatchObject({
      dryRun: false,
      created: 2,
      conflicts: [{ line: 4 }],
    })
    expect(await link('dry-one')).toMatchObject({ title: 'D1', clicks: '3' })
  })

  it('a code Umbra minted itself is a conflict when the export points it elsewhere', async () => {
    const ours = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/links',
        headers: auth,
        payload: { url: 'https://example.com/ours' },
      })
    ).json()
    expect(ours.code).toMatch(/^[A-Za-z0-9]{7}$/)
    const res = (await importFile('format=csv', `code,url\n${ours.code},https://example.com/theirs\n`)).json()
    expect(res).toMatchObject({
      created: 0,
      conflicts: [
        { line: 2, code: ours.code, reason: 'code: already used here for another target (https://example.com/ours)' },
      ],
    })
    expect(await link(ours.code)).toMatchObject({ url: 'https://example.com/ours' })
  })

  it('a failure part-way through the file changes nothing', async () => {
    await t.app.pg.query(`create function refuse_boom() returns trigger language plpgsql as $$
      begin if new.code = 'boom' then raise exception 'boom refused'; end if; return new; end $$`)
    await t.app.pg.query(
      'create trigger refuse_boom before insert on links for each row execute function refuse_boom()',
    )
    try {
      const before = await snapshot()
      const res = await importFile(
        'format=csv',
        'code,url\nfirst-ok,https://example.com/ok\nboom,https://example.com/boom\n',
      )
      expect(res.statusCode).toBe(500)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(await snapshot()).toEqual(before)
      expect(await link('first-ok')).toBeUndefined()
    } finally {
      await t.app.pg.query('drop trigger refuse_boom on links; drop function refuse_boom()')
    }
  })
})

describe('POST /api/v1/imports', () => {
  const multipart = (content: string, filename = 'export.csv') => {
    const boundary = '----umbra-test-boundary'
    const body = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`
    return { body, type: `multipart/form-data; boundary=${boundary}` }
  }

  it('takes the file as a multipart upload', async () => {
    const clicks = async () => (await t.app.pg.query('select count(*)::int as n from clicks')).rows[0].n as number
    const clicksBefore = await clicks()
    const { body, type } = multipart('code,url\nmulti-one,https://example.com/m1\n')
    const res = await importFile('format=csv', body, type)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ created: 1 })
    expect((await t.app.inject({ url: '/multi-one' })).headers.location).toBe('https://example.com/m1')
    await eventually(async () => (await clicks()) === clicksBefore + 1)
  })

  it.each<[string, string, string | Buffer, string, number, RegExp]>([
    ['an unknown format', 'format=rebrandly', 'code,url\nx1,https://e.example\n', 'text/csv', 400, /format/],
    ['no format', '', 'code,url\nx1,https://e.example\n', 'text/csv', 400, /format/],
    [
      'a malformed JSON file',
      'format=kutt',
      '{"data": [',
      'application/json',
      400,
      /file: not a kutt export: not valid JSON/,
    ],
    [
      'a CSV with a quote never closed',
      'format=csv',
      'code,url\nx1,"https://e.example\n',
      'text/csv',
      400,
      /line 2: a quoted cell is never closed/,
    ],
    [
      'a CSV without the needed columns',
      'format=csv',
      'slug,target\nx1,https://e.example\n',
      'text/csv',
      400,
      /code and url columns/,
    ],
    ['an empty body', 'format=csv', '', 'text/csv', 400, /body/],
    [
      'another domain',
      'format=csv&domain=bit.ly',
      'code,url\nx1,https://e.example\n',
      'text/csv',
      400,
      /is not a domain this server serves/,
    ],
    ['a body over the limit', 'format=csv', `code,url\n${'x'.repeat(MAX_IMPORT_BYTES)}\n`, 'text/csv', 413, /.+/],
    [
      'a multipart file over the limit',
      'format=csv',
      multipart(`code,url\n${'x'.repeat(MAX_IMPORT_BYTES)}\n`).body,
      multipart('').type,
      413,
      /.+/,
    ],
    [
      'a multipart body without a boundary',
      'format=csv',
      'code,url\nx1,https://e.example\n',
      'multipart/form-data',
      400,
      /.+/,
    ],
    [
      'a multipart body cut short',
      'format=csv',
      '--b\r\ncontent-disposition: form-data; name="file"; filename="x.csv"\r\n\r\ncode,url',
      'multipart/form-data; boundary=b',
      400,
      /.+/,
    ],
    [
      'a media type it does not read',
      'format=csv',
      '<links/>',
      'application/xml',
      415,
      /multipart\/form-data, text\/csv or application\/json/,
    ],
  ])('refuses %s with a problem, changing nothing', async (_name, query, payload, type, status, detail) => {
    const before = await snapshot()
    const res = await importFile(query, payload, type)
    expect(res.statusCode, res.body).toBe(status)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(res.json().detail).toMatch(detail)
    expect(await snapshot()).toEqual(before)
  })

  it('needs a key', async () => {
    expect((await importFile('format=csv', 'code,url\nx1,https://e.example\n', 'text/csv', {})).statusCode).toBe(401)
  })
})

describe('umbra import', () => {
  const file = join(dir, 'cli.csv')
  writeFileSync(
    file,
    'code,url,title,clicks\ncli-one,https://example.com/c1,C1,9\ncli-two,https://example.com/c2,,\napi,https://example.com/x,,\n',
  )

  it('prints what a dry run would do, then imports, then says a second run changed nothing', async () => {
    const out: string[] = []
    const print = (l: string) => out.push(l)
    const before = await snapshot()
    await runImportCommand(t.app.pg, ['csv', file, '--dry-run'], t.config, print)
    expect(await snapshot()).toEqual(before)
    expect(out).toEqual([
      'dry run: nothing is changed',
      'line 2  cli-one  would create → https://example.com/c1',
      'line 3  cli-two  would create → https://example.com/c2',
      'line 4  api  conflict: code: "api" is reserved',
      'would create 2, unchanged 0, conflicts 1',
    ])
    out.length = 0
    await runImportCommand(t.app.pg, ['csv', file], t.config, print)
    expect(out).toEqual(['line 4  api  conflict: code: "api" is reserved', 'created 2, unchanged 0, conflicts 1'])
    out.length = 0
    await runImportCommand(t.app.pg, ['csv', file], t.config, print)
    expect(out.at(-1)).toBe('created 0, unchanged 2, conflicts 1: nothing changed')
  })

  it('refuses bad arguments with the reason', async () => {
    await expect(runImportCommand(t.app.pg, ['rebrandly', file], t.config)).rejects.toThrow(
      /unknown format "rebrandly"/,
    )
    await expect(runImportCommand(t.app.pg, ['csv'], t.config)).rejects.toThrow(/name one export file/)
    await expect(runImportCommand(t.app.pg, ['csv', file, '--domain', 'bit.ly'], t.config)).rejects.toThrow(
      /is not a domain this server serves/,
    )
    await expect(runImportCommand(t.app.pg, ['kutt', file], t.config)).rejects.toThrow(
      /is not a kutt export: not valid JSON/,
    )
  })

  it('runs as ./bin/umbra import, on the configured database', async () => {
    const spawned = join(dir, 'spawned.json')
    writeFileSync(
      spawned,
      JSON.stringify({ data: [{ address: 'spawned-kutt', target: 'https://example.com/spawned', visit_count: 4 }] }),
    )
    const env = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: scratch.url,
      DATA_DIR: t.config.dataDir,
      PUBLIC_URL: 'http://umbra.test',
      LOG_LEVEL: 'silent',
    }
    const umbra = (args: string[]) => promisify(execFile)(UMBRA, ['import', ...args], { env, cwd: tmpdir() })
    expect((await umbra(['kutt', spawned, '--domain', 'umbra.test'])).stdout).toContain(
      'created 1, unchanged 0, conflicts 0',
    )
    expect(await link('spawned-kutt')).toMatchObject({
      url: 'https://example.com/spawned',
      source: 'kutt',
      clicks: '4',
    })
    expect((await umbra(['kutt', spawned])).stdout).toContain('nothing changed')
    await expect(umbra(['kutt', spawned, '--domain', 'other.example'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('is not a domain this server serves'),
    })
  })
})

describe('on the embedded database', () => {
  it('imports in one transaction and reports imported totals the same way', async () => {
    const embedded = await startTestApp({}, 'embedded')
    try {
      const csv =
        'code,url,clicks\nemb-one,https://example.com/e1,6\nemb-two,https://bücher.example/e2,\napi,https://example.com/x,\n'
      const post = () =>
        embedded.app.inject({
          method: 'POST',
          url: '/api/v1/imports?format=csv',
          headers: { ...auth, 'content-type': 'text/csv' },
          payload: csv,
        })
      expect((await post()).json()).toMatchObject({ created: 2, unchanged: 0, conflicts: [{ line: 4, code: 'api' }] })
      expect((await post()).json()).toMatchObject({ created: 0, unchanged: 2 })
      const stats = (await embedded.app.inject({ url: '/api/v1/links/emb-one/stats', headers: auth })).json()
      expect(stats).toMatchObject({ clicks: 0, importedClicks: 6, importedFrom: 'csv' })
    } finally {
      await embedded.close()
    }
  }, 90_000) // the embedded database starts slowly on a loaded machine
})
