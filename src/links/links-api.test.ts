import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, startTestApp, type TestApp } from '../../test/support/test-app.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

const post = (body: unknown, headers: Record<string, string> = auth) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/links',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  })
const linkCount = async () => Number((await t.app.pg.query('select count(*) from links')).rows[0].count)
const unique = (p: string) => `${p}${Math.random().toString(36).slice(2, 8)}`

describe('links API', () => {
  it('creates a link with a random 7-character code and returns it', async () => {
    const res = await post({
      url: 'https://example.com/a?x=1',
      title: 'A',
      channel: 'whatsapp',
      topics: ['Climate', 'climate'],
      campaign: 'spring',
    })
    expect(res.statusCode).toBe(201)
    const link = res.json()
    expect(link.code).toMatch(/^[346789A-HJ-NP-RT-Ya-km-np-rtwxyz]{7}$/)
    expect(link).toMatchObject({
      shortUrl: `http://umbra.test/${link.code}`,
      url: 'https://example.com/a?x=1',
      title: 'A',
      channel: 'whatsapp',
      topics: ['climate'],
      campaign: 'spring',
      contentId: null,
      disabled: false,
      expiresAt: null,
    })
  })

  it('normalises an IDN host to punycode', async () => {
    const res = await post({ url: 'https://bücher.example/ä' })
    expect(res.statusCode).toBe(201)
    expect(res.json().url).toBe('https://xn--bcher-kva.example/%C3%A4')
  })

  it('takes a custom code and refuses it a second time with 409', async () => {
    const code = unique('My_Code-')
    expect((await post({ url: 'https://example.com', code })).statusCode).toBe(201)
    const again = await post({ url: 'https://example.com/other', code })
    expect(again.statusCode).toBe(409)
    expect(again.headers['content-type']).toContain('application/problem+json')
    expect(again.json().errors).toEqual([{ field: 'code', message: expect.stringContaining('taken') }])
  })

  it('reads, lists with a cursor and filters, changes and disables links', async () => {
    const topic = unique('topic')
    const codes: string[] = []
    for (let i = 0; i < 3; i++)
      codes.push((await post({ url: `https://example.com/${i}`, topics: [topic] })).json().code)

    const page1 = await t.app.inject({ url: `/api/v1/links?topic=${topic}&limit=2`, headers: auth })
    expect(page1.json().items.map((l: { code: string }) => l.code)).toEqual([codes[2], codes[1]])
    const page2 = await t.app.inject({
      url: `/api/v1/links?topic=${topic}&limit=2&cursor=${page1.json().nextCursor}`,
      headers: auth,
    })
    expect(page2.json()).toMatchObject({ items: [{ code: codes[0] }], nextCursor: null })

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/links/${codes[0]}`,
      headers: auth,
      payload: { url: 'https://example.org/new', title: null },
    })
    expect(patched.statusCode).toBe(200)
    expect(patched.json()).toMatchObject({ url: 'https://example.org/new', title: null, topics: [topic] })

    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/links/${codes[0]}`, headers: auth })).statusCode).toBe(
      204,
    )
    expect((await t.app.inject({ url: `/api/v1/links/${codes[0]}`, headers: auth })).json().disabled).toBe(true)
    expect((await t.app.inject({ url: `/${codes[0]}` })).statusCode).toBe(410)
  })

  it('answers 404 problems for unknown links and unknown API routes', async () => {
    const res = await t.app.inject({ url: '/api/v1/links/nope-nope', headers: auth })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect((await t.app.inject({ url: '/api/v1/nothing', headers: auth })).statusCode).toBe(404)
  })
})

describe('links API refuses bad input and changes nothing', () => {
  const cases: { name: string; body: unknown; headers?: Record<string, string>; status: number; field?: string }[] = [
    { name: 'javascript: URL', body: { url: 'javascript:alert(1)' }, status: 400, field: 'url' },
    { name: 'data: URL', body: { url: 'data:text/html,<script>alert(1)</script>' }, status: 400, field: 'url' },
    { name: 'relative URL', body: { url: '/relative/path' }, status: 400, field: 'url' },
    { name: 'protocol-relative URL', body: { url: '//evil.example/' }, status: 400, field: 'url' },
    { name: 'ftp URL', body: { url: 'ftp://example.com/file' }, status: 400, field: 'url' },
    {
      name: '2,049-character URL',
      body: { url: `https://example.com/${'a'.repeat(2049 - 20)}` },
      status: 400,
      field: 'url',
    },
    { name: 'credentials in URL', body: { url: 'https://user:pw@example.com/' }, status: 400, field: 'url' },
    { name: 'control character in URL', body: { url: 'https://example.com/\u0000x' }, status: 400, field: 'url' },
    { name: 'our own host as target', body: { url: 'http://umbra.test/abc' }, status: 400, field: 'url' },
    { name: 'missing url', body: { title: 'x' }, status: 400, field: 'url' },
    { name: 'url of the wrong type', body: { url: 42 }, status: 400, field: 'url' },
    {
      name: 'bad code characters',
      body: { url: 'https://example.com', code: 'bad code!' },
      status: 400,
      field: 'code',
    },
    { name: 'too short code', body: { url: 'https://example.com', code: 'ab' }, status: 400, field: 'code' },
    { name: 'reserved code', body: { url: 'https://example.com', code: 'dashboard' }, status: 400, field: 'code' },
    {
      name: 'reserved code in other case',
      body: { url: 'https://example.com', code: 'API' },
      status: 400,
      field: 'code',
    },
    { name: 'unknown field', body: { url: 'https://example.com', color: 'red' }, status: 400, field: 'color' },
    {
      name: 'expiry in the past',
      body: { url: 'https://example.com', expiresAt: '2001-01-01T00:00:00Z' },
      status: 400,
      field: 'expiresAt',
    },
    {
      name: 'expiry not a date',
      body: { url: 'https://example.com', expiresAt: 'tomorrow' },
      status: 400,
      field: 'expiresAt',
    },
    {
      name: 'bad channel id',
      body: { url: 'https://example.com', channel: 'Whats App' },
      status: 400,
      field: 'channel',
    },
    {
      name: 'too many topics',
      body: { url: 'https://example.com', topics: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      status: 400,
      field: 'topics',
    },
    { name: 'malformed JSON', body: '{"url": ', status: 400, field: 'body' },
    { name: 'missing bearer', body: { url: 'https://example.com' }, headers: {}, status: 401 },
    {
      name: 'invalid bearer',
      body: { url: 'https://example.com' },
      headers: { authorization: 'Bearer wrong-key-wrong-key' },
      status: 401,
    },
    {
      name: 'not a bearer scheme',
      body: { url: 'https://example.com' },
      headers: { authorization: 'Basic abc' },
      status: 401,
    },
  ]

  it.each(cases)('$name → $status', async ({ body, headers, status, field }) => {
    const before = await linkCount()
    const res = await post(body, headers)
    expect(res.statusCode).toBe(status)
    expect(res.headers['content-type']).toContain('application/problem+json')
    const problem = res.json()
    expect(problem).toMatchObject({
      status,
      type: expect.stringMatching(/^https:\/\//),
      title: expect.any(String),
      detail: expect.any(String),
    })
    if (field) expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field)
    expect(JSON.stringify(problem)).not.toMatch(/at .*\.ts:\d+|select |insert /i)
    expect(await linkCount()).toBe(before)
  })

  it('refuses a bad cursor with a problem naming it', async () => {
    const res = await t.app.inject({ url: '/api/v1/links?cursor=!!!', headers: auth })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].field).toBe('cursor')
  })
})
