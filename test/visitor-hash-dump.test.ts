import { createHmac } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { sipAbsorb, sipHash52, sipInit } from '../src/clicks/siphash.ts'
import { auth, createScratchDatabase, eventually, requireRealDatabaseUrl, testConfig } from './support/test-app.ts'

/**
 * A dump of the database must not let anyone recompute a visitor hash: a test that plays the attacker.
 * It serves clicks from known IPs, reads every row of every table as text (what pg_dump holds), and
 * tries every byte string in it as the day's SipHash key, and as a secret to derive one from; none may
 * reproduce a stored hash. The server secret (SECRET_KEY, never in Postgres) does.
 */
const SECRET_KEY = 'dump-test-secret:32+characters,kept-out-of-Postgres'
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36'
const IPS = ['198.51.100.23', '198.51.100.24', '203.0.113.99']

const hashWithKey = (key: Uint8Array, ip: string) => {
  const state = sipInit(key)
  sipAbsorb(state, `${UA}\n`)
  return sipHash52(state, ip)
}
const dayKeyFrom = (secret: Uint8Array, day: Date) =>
  createHmac('sha256', secret)
    .update(`visitor-hash:${day.toISOString().slice(0, 10)}`)
    .digest()
    .subarray(0, 16)

async function everyRowAsText(app: FastifyInstance): Promise<string> {
  const { rows: tables } = await app.pg.query(
    `select quote_ident(table_name) as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  )
  const texts: string[] = []
  for (const { name } of tables)
    texts.push(...(await app.pg.query(`select t::text as row from ${name} t`)).rows.map((r) => `${name} ${r.row}`))
  return texts.join('\n')
}

describe('visitor hashes and a database dump', () => {
  let app: FastifyInstance
  let drop: () => Promise<void>
  let clicks: { visitor: string; day: Date }[]
  beforeAll(async () => {
    requireRealDatabaseUrl()
    const scratch = (await createScratchDatabase())!
    app = await buildApp(testConfig({ DATABASE_URL: scratch.url, SECRET_KEY }))
    await app.ready()
    drop = async () => {
      await app.close()
      await scratch.drop()
    }
    const link = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/links',
        headers: auth,
        payload: { url: 'https://example.com/dump' },
      })
    ).json()
    for (const ip of IPS)
      expect(
        (await app.inject({ url: `/${link.code}`, remoteAddress: ip, headers: { 'user-agent': UA } })).statusCode,
      ).toBe(302)
    clicks = await eventually(async () => {
      const { rows } = await app.pg.query(
        `select visitor::text, (clicked_at at time zone 'utc')::date::text as day from clicks where visitor is not null`,
      )
      return rows.length < IPS.length
        ? null
        : rows.map((r) => ({ visitor: r.visitor as string, day: new Date(`${r.day}T00:00:00Z`) }))
    })
  })
  afterAll(() => drop?.())

  /** Every byte string of the text (bytea shows as \\x…hex; any hex run, whole and in 16-byte windows) that recomputes a stored hash. */
  function recomputing(text: string): string[] {
    const candidates = new Set<string>()
    for (const run of text.match(/[0-9a-f]{32,}/gi) ?? []) {
      candidates.add(run.toLowerCase())
      for (let at = 0; at + 32 <= run.length; at += 2) candidates.add(run.slice(at, at + 32).toLowerCase())
    }
    const stored = new Set(clicks.map((c) => c.visitor))
    const days = [...new Set(clicks.map((c) => c.day.getTime()))].map((t) => new Date(t))
    const found: string[] = []
    for (const hex of candidates) {
      const bytes = Buffer.from(hex, 'hex')
      // As the day's SipHash key, or as a secret to derive it from.
      const keys = [...(bytes.length >= 16 ? [bytes] : []), ...days.map((day) => dayKeyFrom(bytes, day))]
      if (keys.some((key) => IPS.some((ip) => stored.has(String(hashWithKey(key, ip)))))) found.push(hex)
    }
    return found
  }

  it('holds no salt or key: no byte string in any table recomputes a stored hash, and no table keeps salts', async () => {
    const dump = await everyRowAsText(app)
    expect(dump).toContain(clicks[0].visitor) // the hashes are in the dump, and that is all an attacker gets
    expect(recomputing(dump), 'byte strings in the database that recompute a visitor hash').toEqual([])
    // The search is not blind: the day's key, had it been stored, is found.
    const dayKeyHex = dayKeyFrom(Buffer.from(SECRET_KEY), clicks[0].day).toString('hex')
    expect(recomputing(`${dump}\nvisitor_salts (2026-12-05,"\\x${dayKeyHex}")`)).toContain(dayKeyHex)
    expect(dump).not.toContain(SECRET_KEY)
    expect(dump).not.toContain(Buffer.from(SECRET_KEY).toString('hex'))
    for (const { day } of clicks) expect(dump).not.toContain(dayKeyFrom(Buffer.from(SECRET_KEY), day).toString('hex'))
    expect((await app.pg.query(`select to_regclass('visitor_salts') as t`)).rows[0].t).toBeNull()
  })

  it('recomputes with the server secret, and only with it', () => {
    for (const { visitor, day } of clicks) {
      const withSecret = IPS.map((ip) => String(hashWithKey(dayKeyFrom(Buffer.from(SECRET_KEY), day), ip)))
      expect(withSecret).toContain(visitor)
      const withAnother = IPS.map((ip) =>
        String(hashWithKey(dayKeyFrom(Buffer.from(`${SECRET_KEY}, but not quite`), day), ip)),
      )
      expect(withAnother).not.toContain(visitor)
    }
  })
})
