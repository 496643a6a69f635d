import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { bearer, createTestKey } from './support/api-keys.ts'
import { auth, createScratchDatabase, eventually, testConfig } from './support/test-app.ts'

/**
 * The raw IP is never stored or logged; credentials never reach a log line. Serves redirects from
 * known addresses, then reads every row of every table, the click journal and every log line.
 */
const VISITOR_IPS = ['198.18.77.123', '198.18.77.201', '2001:db8:77::1234']
const PROXY_IP = '198.18.99.7'
const COOKIE_VALUE = 'sessionvalue-8c1f0e5d2a'

const ipNeedles = (ip: string) => {
  const needles = [ip, Buffer.from(ip).toString('hex'), Buffer.from(ip).toString('base64')]
  if (ip.includes('.')) needles.push(Buffer.from(ip.split('.').map(Number)).toString('hex')) // the 4 raw bytes, as bytea shows them
  return needles
}

type Running = { app: FastifyInstance; dataDir: string; logs: string[]; close: () => Promise<void> }

async function startLogged(env: Record<string, string>): Promise<Running> {
  const scratch = await createScratchDatabase()
  const config = testConfig(
    { ...(scratch ? { DATABASE_URL: scratch.url } : {}), TRUST_PROXY: PROXY_IP, LOG_LEVEL: 'trace', ...env },
    scratch ? 'postgres' : 'embedded',
  )
  const logs: string[] = []
  const logStream = new Writable({
    write: (chunk, _enc, done) => {
      logs.push(String(chunk))
      done()
    },
  })
  const app = await buildApp(config, { logStream })
  // A careless component logging whole headers, or a secret by name: redaction must still hold.
  app.get('/test/log-headers', async (request) => {
    request.log.info({ headers: request.headers, secret: request.headers.authorization }, 'headers as received')
    return { ok: true }
  })
  await app.ready()
  return {
    app,
    dataDir: config.dataDir,
    logs,
    close: async () => {
      await app.close()
      await scratch?.drop()
    },
  }
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })

async function everyRow(app: FastifyInstance): Promise<string> {
  const { rows: tables } = await app.pg.query(
    `select quote_ident(table_name) as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  )
  const texts: string[] = []
  for (const { name } of tables)
    texts.push(...(await app.pg.query(`select t::text as row from ${name} t`)).rows.map((r) => `${name} ${r.row}`))
  return texts.join('\n')
}

describe('privacy: raw IPs and credentials', () => {
  let r: Running
  let secret: string
  beforeAll(async () => {
    r = await startLogged({ RATE_LIMIT_MISSES: '2' })
    secret = (await createTestKey(r.app, { scopes: ['links:read', 'links:write'] })).secret
  })
  afterAll(() => r.close())

  it('stores and logs no visitor IP, in any table, the click journal or any log line', async () => {
    const link = (
      await r.app.inject({
        method: 'POST',
        url: '/api/v1/links',
        headers: bearer(secret),
        payload: { url: 'https://example.com/p' },
      })
    ).json()
    for (const ip of VISITOR_IPS) {
      const from = {
        remoteAddress: PROXY_IP,
        headers: { 'x-forwarded-for': ip, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0 Safari/537.36' },
      }
      for (let i = 0; i < 3; i++) expect((await r.app.inject({ url: `/${link.code}`, ...from })).statusCode).toBe(302)
      await r.app.inject({ url: `/${link.code}`, remoteAddress: ip }) // direct, no proxy
      for (let i = 0; i < 3; i++) await r.app.inject({ url: `/nothing-here-${i}`, ...from }) // 404s, then 429s
      await r.app.inject({ url: '/api/v1/links', ...from }) // 401
    }
    await eventually(
      async () => Number((await r.app.pg.query('select count(*) from clicks')).rows[0].count) >= VISITOR_IPS.length * 4,
    )
    const visitors = (await r.app.pg.query('select count(distinct visitor) as n from clicks where visitor is not null'))
      .rows[0].n
    expect(Number(visitors)).toBe(VISITOR_IPS.length) // the IPs were seen (hashed), just never kept

    const stored = await everyRow(r.app)
    const journal = filesUnder(r.dataDir)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n')
    const logged = r.logs.join('')
    expect(logged).toContain('"statusCode":302') // the capture did see the requests
    for (const ip of [...VISITOR_IPS, PROXY_IP]) {
      for (const needle of ipNeedles(ip)) {
        expect(stored.includes(needle), `${ip} (${needle}) in a table`).toBe(false)
        expect(journal.includes(needle), `${ip} (${needle}) in ${r.dataDir}`).toBe(false)
        expect(logged.includes(needle), `${ip} (${needle}) in the log`).toBe(false)
      }
    }
  })

  it('redacts Authorization, cookies and secrets from log lines', async () => {
    const headers = { ...bearer(secret), cookie: `umbra_session=${COOKIE_VALUE}`, 'x-api-key': secret }
    await r.app.inject({ url: '/api/v1/links', headers })
    await r.app.inject({ url: '/test/log-headers', headers })
    await r.app.inject({
      method: 'POST',
      url: '/api/v1/keys',
      headers: auth,
      payload: { name: 'logged', scopes: ['links:read'] },
    })
    const logged = r.logs.join('')
    expect(logged).toContain('headers as received')
    expect(logged).toContain('[redacted]')
    const secretBody = secret.slice(12) // the display prefix may be logged; the rest never
    expect(logged).not.toContain(secretBody)
    expect(logged).not.toContain(COOKIE_VALUE)
    expect(logged).not.toContain(auth.authorization.slice(7))
    const created = r.logs.find((l) => l.includes('api key created'))!
    expect(JSON.parse(created)).toMatchObject({ prefix: expect.stringMatching(/^umb_/) })
    expect(created).not.toMatch(/umb_[A-Za-z0-9_-]{20,}/)
  })
})

describe('HONOR_DNT', () => {
  const clickVisitors = async (app: FastifyInstance, code: string, headers: Record<string, string>) => {
    const link = (await app.pg.query('select id from links where code = $1', [code])).rows[0].id
    await app.inject({ url: `/${code}`, headers: { 'user-agent': 'Mozilla/5.0 Firefox/126.0', ...headers } })
    const row = await eventually(
      async () => (await app.pg.query('select visitor from clicks where link_id = $1', [link])).rows[0],
    )
    return row.visitor as string | null
  }
  const newCode = async (app: FastifyInstance) =>
    (
      await app.inject({
        method: 'POST',
        url: '/api/v1/links',
        headers: auth,
        payload: { url: 'https://example.com/dnt' },
      })
    ).json().code as string

  it('counts the click of a visitor sending DNT: 1 or Sec-GPC: 1 without a visitor hash, when configured', async () => {
    const r = await startLogged({ HONOR_DNT: 'true', LOG_LEVEL: 'silent' })
    try {
      expect(await clickVisitors(r.app, await newCode(r.app), { dnt: '1' })).toBeNull()
      expect(await clickVisitors(r.app, await newCode(r.app), { 'sec-gpc': '1' })).toBeNull()
      expect(await clickVisitors(r.app, await newCode(r.app), {})).not.toBeNull()
    } finally {
      await r.close()
    }
  })

  it('hashes as usual when not configured', async () => {
    const r = await startLogged({ LOG_LEVEL: 'silent' })
    try {
      expect(await clickVisitors(r.app, await newCode(r.app), { dnt: '1' })).not.toBeNull()
    } finally {
      await r.close()
    }
  })
})
