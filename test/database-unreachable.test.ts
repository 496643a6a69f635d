import { createServer, connect, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestKey, type TestKey } from './support/api-keys.ts'
import { auth, createScratchDatabase, requireRealDatabaseUrl, startTestApp, type TestApp } from './support/test-app.ts'

/**
 * A TCP relay between the app and the real Postgres, so a test can cut the database off (every open
 * connection reset, new ones refused) and bring it back on the same port.
 */
async function startRelay(target: URL) {
  const sockets = new Set<Socket>()
  let server: Server | null = null
  let port = 0
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname)
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on('close', () => sockets.delete(s))
          s.on('error', () => {})
        }
        client.pipe(upstream).pipe(client)
      })
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port
        resolve()
      })
    })
  await listen()
  return {
    url: (database: URL) => Object.assign(new URL(database), { host: `127.0.0.1:${port}` }).toString(),
    cut: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.resetAndDestroy()
        server!.close(() => resolve())
      }),
    restore: listen,
    close: () => new Promise<void>((resolve) => (server!.listening ? server!.close(() => resolve()) : resolve())),
  }
}

// A relay needs a server it can reach over TCP: the embedded database cannot be cut off this way.
describe('the API while the database is unreachable', () => {
  let t: TestApp
  let relay: Awaited<ReturnType<typeof startRelay>>
  let scratch: NonNullable<Awaited<ReturnType<typeof createScratchDatabase>>>
  let key: TestKey
  beforeAll(async () => {
    requireRealDatabaseUrl()
    scratch = (await createScratchDatabase())!
    relay = await startRelay(new URL(scratch.url))
    t = await startTestApp({ DATABASE_URL: relay.url(new URL(scratch.url)) })
    key = await createTestKey(t.app, { scopes: ['links:read', 'stats:read'] })
  })
  afterAll(async () => {
    await t?.close()
    await relay?.close()
    await scratch?.drop()
  })

  const createLink = (url: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/links', headers: auth, payload: { url } })

  it('answers 503 problem+json with Retry-After, changes nothing, and works again once it is back', async () => {
    const link = (await createLink('https://example.com/before')).json()

    await relay.cut()
    const calls = [
      ['create a link (admin key)', await createLink('https://example.com/during')],
      ['list links (a stored key, looked up now)', await t.app.inject({ url: '/api/v1/links', headers: key.headers })],
      ['stats of a link', await t.app.inject({ url: `/api/v1/links/${link.code}/stats`, headers: auth })],
    ] as const
    for (const [what, res] of calls) {
      expect({
        what,
        status: res.statusCode,
        type: res.headers['content-type'],
        retryAfter: res.headers['retry-after'],
      }).toEqual({
        what,
        status: 503,
        type: 'application/problem+json; charset=utf-8',
        retryAfter: '5',
      })
      expect(res.json()).toMatchObject({
        type: 'https://umbra.dev/problems/unavailable',
        status: 503,
        title: 'Service unavailable',
      })
      expect(res.body).not.toMatch(/ECONNREFUSED|Connection terminated|at .*\.ts/)
    }

    await relay.restore()
    const after = await createLink('https://example.com/after')
    expect(after.statusCode).toBe(201)
    const { rows } = await t.app.pg.query(`select url from links where url like 'https://example.com/%' order by id`)
    expect(rows.map((r) => r.url)).toEqual(['https://example.com/before', 'https://example.com/after'])
    expect((await t.app.inject({ url: '/api/v1/links', headers: key.headers })).statusCode).toBe(200)
  })
})
