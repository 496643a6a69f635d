import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createServer } from 'node:net'
import { requireRealDatabaseUrl } from '../../test/support/test-app.ts'
import { isDatabaseUnavailable } from './database.ts'

/** A port that was free a moment ago: nobody listens on it. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code })

describe('telling an unreachable database from a failing query', () => {
  const cases: [string, unknown, boolean][] = [
    ['connection refused', withCode('ECONNREFUSED'), true],
    ['connection reset', withCode('ECONNRESET'), true],
    ['host unreachable', withCode('EHOSTUNREACH'), true],
    ['DNS failure', withCode('ENOTFOUND'), true],
    [
      'happy eyeballs: every address refused',
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]),
      true,
    ],
    ['08006 connection failure', withCode('08006'), true],
    ['57P01 admin shutdown', withCode('57P01'), true],
    ['57P03 the server is starting up', withCode('57P03'), true],
    ['53300 too many connections', withCode('53300'), true],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly'), true],
    ['pg: connect timeout', new Error('Connection terminated due to connection timeout'), true],
    ['pg-pool: no client in time', new Error('timeout exceeded when trying to connect'), true],
    ['23505 unique violation', withCode('23505'), false],
    ['42601 syntax error', withCode('42601'), false],
    ['57014 statement cancelled', withCode('57014'), false],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')"), false],
    ['a message that merely mentions a connection', new Error('the connection string is missing'), false],
    ['not an Error', 'ECONNREFUSED', false],
  ]
  it.each(cases)('%s', (_, err, unavailable) => expect(isDatabaseUnavailable(err)).toBe(unavailable))

  it('recognises what pg really throws at a port nobody listens on', async () => {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: await closedPort(),
      user: 'postgres',
      connectionTimeoutMillis: 2_000,
    })
    const err = await client.connect().then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(Error)
    expect(isDatabaseUnavailable(err)).toBe(true)
  })

  describe('on a real Postgres', () => {
    const connect = async () => {
      const c = new pg.Client({ connectionString: requireRealDatabaseUrl() })
      c.on('error', () => {})
      await c.connect()
      return c
    }

    it('a backend terminated mid-query is unavailable; a query error is not', async () => {
      const [victim, admin] = [await connect(), await connect()]
      try {
        const pid = (await victim.query('select pg_backend_pid() as pid')).rows[0].pid
        const wrong = await victim.query('select 1/0').then(
          () => null,
          (e: unknown) => e,
        )
        expect(isDatabaseUnavailable(wrong)).toBe(false)
        const sleeping = victim.query('select pg_sleep(10)').then(
          () => null,
          (e: unknown) => e,
        )
        await new Promise((r) => setTimeout(r, 100))
        await admin.query('select pg_terminate_backend($1)', [pid])
        const terminated = await sleeping
        expect(terminated).toBeInstanceOf(Error)
        expect(isDatabaseUnavailable(terminated)).toBe(true)
      } finally {
        await victim.end().catch(() => {})
        await admin.end()
      }
    })

    it('a pool with no client to give in time is unavailable', async () => {
      const pool = new pg.Pool({ connectionString: requireRealDatabaseUrl(), max: 1, connectionTimeoutMillis: 100 })
      const held = await pool.connect()
      try {
        const err = await pool.connect().then(
          (c) => {
            c.release()
            return null
          },
          (e: unknown) => e,
        )
        expect(isDatabaseUnavailable(err)).toBe(true)
      } finally {
        held.release()
        await pool.end()
      }
    })
  })
})
