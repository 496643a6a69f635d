import { hash } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScratchDatabase, requireRealDatabaseUrl } from '../../test/support/test-app.ts'
import { runMigrations } from '../infra/migrate.ts'
import { sipAbsorb, sipHash52, sipInit } from './siphash.ts'
import { createVisitorHasher, type VisitorHasher } from './visitor-hash.ts'

const DAY_MS = 86_400_000
const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)'
const log = { warn: () => {} }

// A database of its own: the test decides which scheme today's salt has.
let scratch: NonNullable<Awaited<ReturnType<typeof createScratchDatabase>>>
let pool: pg.Pool
beforeAll(async () => {
  requireRealDatabaseUrl()
  scratch = (await createScratchDatabase())!
  pool = scratch.pool(2)
  await runMigrations(pool)
})
afterAll(async () => {
  await scratch?.drop()
})

/** One click's visitor hash. */
const hashOf = (hasher: VisitorHasher, ip: string, ua: string, at: number) => hasher.finish(hasher.prefix(ua, at), ip)

const saltOf = async (day: number) =>
  (await pool.query(`select salt, scheme from visitor_salts where day = $1`, [new Date(day * DAY_MS).toISOString().slice(0, 10)])).rows[0]

describe('visitor hashes', () => {
  it('are SipHash-2-4 of "user agent \\n IP" keyed with the day salt, shared through Postgres', async () => {
    await pool.query('delete from visitor_salts')
    const hasher = await createVisitorHasher(pool, log)
    const now = Date.now()
    const { salt, scheme } = await saltOf(Math.floor(now / DAY_MS))
    expect(scheme).toBe('siphash-2-4')
    const state = sipInit(salt)
    sipAbsorb(state, `${UA}\n`)
    expect(hashOf(hasher, '203.0.113.7', UA, now)).toBe(sipHash52(state, '203.0.113.7'))
    // A second instance reads the same salt, so it counts the same visitor alike.
    expect(hashOf(await createVisitorHasher(pool, log), '203.0.113.7', UA, now)).toBe(hashOf(hasher, '203.0.113.7', UA, now))
  })

  it('keep the SHA-256 formula on a day an older version salted, so an upgrade counts nobody twice', async () => {
    await pool.query('delete from visitor_salts')
    const today = new Date().toISOString().slice(0, 10)
    await pool.query(`insert into visitor_salts (day, salt, scheme) values ($1, decode(repeat('ab', 32), 'hex'), 'sha256')`, [today])
    const hasher = await createVisitorHasher(pool, log)
    const expected = parseInt(hash('sha256', `${'ab'.repeat(32)}198.51.100.4\n${UA}`, 'hex').slice(0, 13), 16)
    expect(hashOf(hasher, '198.51.100.4', UA, Date.now())).toBe(expected)
    // Tomorrow's salt is new: SipHash from then on.
    expect((await saltOf(Math.floor(Date.now() / DAY_MS) + 1)).scheme).toBe('siphash-2-4')
  })

  it('reuse a user agent\'s prefix within its day and make a new one the next day, where the same visitor hashes apart', async () => {
    const hasher = await createVisitorHasher(pool, log)
    const now = Date.now()
    const today = hasher.prefix(UA, now)
    expect(hasher.prefix(UA, now + 1, today)).toBe(today)
    const tomorrow = hasher.prefix(UA, now + DAY_MS, today)
    expect(tomorrow).not.toBe(today)
    expect(hasher.finish(tomorrow, '203.0.113.7')).not.toBe(hasher.finish(today, '203.0.113.7'))
    expect(Number.isSafeInteger(hasher.finish(tomorrow, '203.0.113.7'))).toBe(true)
  })
})
