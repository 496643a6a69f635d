import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../app.ts'
import { runKeysCommand } from '../cli/keys-command.ts'
import { bearer, createTestKey } from '../../test/support/api-keys.ts'
import {
  auth,
  createScratchDatabase,
  eventually,
  requireRealDatabaseUrl,
  startTestApp,
  testConfig,
  type TestApp,
} from '../../test/support/test-app.ts'
import { FIRST_KEY_HINT } from './auth.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp({ KEY_CACHE_TTL_MS: '1000', KEY_USAGE_FLUSH_MS: '100' })
})
afterAll(() => t.close())

const createKey = (payload: object, headers = auth) =>
  t.app.inject({ method: 'POST', url: '/api/v1/keys', headers, payload })
const listLinks = (headers: Record<string, string>) => t.app.inject({ url: '/api/v1/links?limit=1', headers })

describe('API keys', () => {
  it('shows the secret once and stores only its sha-256 and a display prefix', async () => {
    const res = await createKey({ name: 'cms', scopes: ['links:read', 'stats:read'] })
    expect(res.statusCode).toBe(201)
    const key = res.json()
    expect(key.secret).toMatch(/^umb_[A-Za-z0-9_-]{43}$/)
    expect(key).toMatchObject({
      kind: 'secret',
      name: 'cms',
      scopes: ['links:read', 'stats:read'],
      origins: [],
      revokedAt: null,
    })
    expect(key.secret.startsWith(key.prefix)).toBe(true)
    expect(key.prefix).toHaveLength(12)

    const { rows } = await t.app.pg.query('select * from api_keys where id = $1', [key.id])
    expect(rows[0].secret_hash).toEqual(createHash('sha256').update(key.secret).digest())
    expect(JSON.stringify(rows[0])).not.toContain(key.secret.slice(12))

    const listed = (await t.app.inject({ url: '/api/v1/keys', headers: auth })).json()
    const mine = listed.items.find((k: { id: string }) => k.id === key.id)
    expect(mine).toMatchObject({ id: key.id, prefix: key.prefix, name: 'cms' })
    expect(mine).not.toHaveProperty('secret')
    expect(JSON.stringify(listed)).not.toContain(key.secret)

    expect((await listLinks(bearer(key.secret))).statusCode).toBe(200)
  })

  it('lets a keys:admin key grant only the scopes it holds itself (ADMIN_API_KEY holds them all)', async () => {
    const keyAdmin = await createTestKey(t.app, { scopes: ['keys:admin', 'links:read'] })
    const before = Number((await t.app.pg.query('select count(*) from api_keys')).rows[0].count)
    for (const scopes of [['links:write'], ['links:read', 'stats:read'], ['keys:admin', 'shares:write']]) {
      const refused = await createKey({ name: 'escalation', scopes }, keyAdmin.headers)
      expect(refused.statusCode, JSON.stringify(scopes)).toBe(403)
      expect(refused.json().detail).toMatch(/scopes it holds/)
    }
    const publishable = await createKey(
      { name: 'escalation', kind: 'publishable', origins: ['https://a.example'] },
      keyAdmin.headers,
    )
    expect(publishable.statusCode).toBe(403)
    expect(Number((await t.app.pg.query('select count(*) from api_keys')).rows[0].count)).toBe(before)

    const narrower = await createKey({ name: 'reader', scopes: ['links:read'] }, keyAdmin.headers)
    expect(narrower.statusCode).toBe(201)
    const all = ['links:read', 'links:write', 'stats:read', 'shares:write', 'keys:admin']
    expect((await createKey({ name: 'root-made', scopes: all })).statusCode).toBe(201)
  })

  it('makes publishable keys with normalised origins and shares:write only', async () => {
    const res = await createKey({
      name: 'widget',
      kind: 'publishable',
      origins: ['https://Blog.Example/', 'http://localhost:3000', 'https://bücher.example'],
    })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({
      kind: 'publishable',
      scopes: ['shares:write'],
      origins: ['https://blog.example', 'http://localhost:3000', 'https://xn--bcher-kva.example'],
    })
    expect(res.json().secret).toMatch(/^pk_[A-Za-z0-9_-]{43}$/)
  })

  it.each([
    { name: 'publishable key without origins', body: { name: 'w', kind: 'publishable' }, field: 'origins' },
    {
      name: 'publishable key with links:read',
      body: { name: 'w', kind: 'publishable', scopes: ['links:read'], origins: ['https://a.example'] },
      field: 'scopes',
    },
    {
      name: 'origin with a path',
      body: { name: 'w', kind: 'publishable', origins: ['https://a.example/page'] },
      field: 'origins',
    },
    {
      name: 'wildcard origin',
      body: { name: 'w', kind: 'publishable', origins: ['https://*.example.com'] },
      field: 'origins',
    },
    {
      name: 'javascript: origin',
      body: { name: 'w', kind: 'publishable', origins: ['javascript:alert(1)'] },
      field: 'origins',
    },
    {
      name: 'secret key with origins',
      body: { name: 'w', scopes: ['links:read'], origins: ['https://a.example'] },
      field: 'origins',
    },
    { name: 'secret key without scopes', body: { name: 'w' }, field: 'scopes' },
    { name: 'unknown scope', body: { name: 'w', scopes: ['links:admin'] }, field: 'scopes.0' },
    {
      name: 'expiry in the past',
      body: { name: 'w', scopes: ['links:read'], expiresAt: '2020-01-01T00:00:00Z' },
      field: 'expiresAt',
    },
  ])('refuses a $name', async ({ body, field }) => {
    const res = await createKey(body)
    expect(res.statusCode).toBe(400)
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field)
  })

  it('stops a revoked key at once on the instance that revoked it, even when cached', async () => {
    const key = await createTestKey(t.app, { scopes: ['links:read'] })
    expect((await listLinks(key.headers)).statusCode).toBe(200) // now cached
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${key.id}`, headers: auth })).statusCode).toBe(
      204,
    )
    const after = await listLinks(key.headers)
    expect(after.statusCode).toBe(401)
    expect(after.json().detail).toBe('the API key has been revoked')
    // Revoking again is harmless; an unknown id is a 404.
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${key.id}`, headers: auth })).statusCode).toBe(
      204,
    )
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/keys/987654321', headers: auth })).statusCode).toBe(
      404,
    )
  })

  it('stops a key revoked elsewhere within the cache TTL on another instance', async () => {
    const other = await startTestApp({ KEY_CACHE_TTL_MS: '1000' })
    try {
      const key = await createTestKey(t.app, { scopes: ['links:read'] })
      expect((await other.app.inject({ url: '/api/v1/links?limit=1', headers: key.headers })).statusCode).toBe(200)
      const revokedAt = Date.now()
      expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${key.id}`, headers: auth })).statusCode).toBe(
        204,
      )
      await eventually(
        async () => (await other.app.inject({ url: '/api/v1/links?limit=1', headers: key.headers })).statusCode === 401,
        3_000,
      )
      expect(Date.now() - revokedAt).toBeLessThan(1_500)
    } finally {
      await other.close()
    }
  })

  it('stops a key when it expires, cached or not', async () => {
    const key = await createTestKey(t.app, { scopes: ['links:read'], expiresAt: new Date(Date.now() + 600) })
    expect((await listLinks(key.headers)).statusCode).toBe(200)
    await new Promise((r) => setTimeout(r, 700))
    const res = await listLinks(key.headers)
    expect(res.statusCode).toBe(401)
    expect(res.json().detail).toBe('the API key has expired')
  })

  it('pages the key list with a cursor and hides revoked keys unless asked', async () => {
    const a = await createTestKey(t.app, { name: 'page-a' })
    const b = await createTestKey(t.app, { name: 'page-b' })
    await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${a.id}`, headers: auth })
    const page1 = (await t.app.inject({ url: '/api/v1/keys?limit=1&includeRevoked=true', headers: auth })).json()
    expect(page1.items).toHaveLength(1)
    const page2 = (
      await t.app.inject({ url: `/api/v1/keys?limit=1&includeRevoked=true&cursor=${page1.nextCursor}`, headers: auth })
    ).json()
    expect(page2.items[0].id).not.toBe(page1.items[0].id)
    const active = (await t.app.inject({ url: '/api/v1/keys?limit=200', headers: auth }))
      .json()
      .items.map((k: { id: string }) => k.id)
    expect(active).toContain(b.id)
    expect(active).not.toContain(a.id)
  })
})

describe('when a key was last used', () => {
  const lastUsed = async (id: string) =>
    (await t.app.inject({ url: '/api/v1/keys?limit=200', headers: auth }))
      .json()
      .items.find((k: { id: string }) => k.id === id).lastUsedAt as string | null

  it('is null until a request gets through, then the time of the latest one, written within KEY_USAGE_FLUSH_MS', async () => {
    const used = await createTestKey(t.app, { scopes: ['links:read'] })
    const unused = await createTestKey(t.app, { scopes: ['links:read'] })
    expect(await lastUsed(used.id)).toBeNull()

    // A request the key may not make (no stats:read), or one refused as bad input, is not a use.
    expect((await t.app.inject({ url: '/api/v1/links/x/stats', headers: used.headers })).statusCode).toBe(403)
    expect((await t.app.inject({ url: '/api/v1/links?limit=0', headers: used.headers })).statusCode).toBe(400)
    await new Promise((r) => setTimeout(r, 300))
    expect(await lastUsed(used.id)).toBeNull()

    const before = Date.now()
    expect((await listLinks(used.headers)).statusCode).toBe(200)
    const after = Date.now()
    const at = Date.parse(await eventually(() => lastUsed(used.id), 3_000))
    expect(at).toBeGreaterThanOrEqual(before)
    expect(at).toBeLessThanOrEqual(after)
    expect(await lastUsed(unused.id)).toBeNull()

    const second = Date.now()
    await listLinks(used.headers)
    await eventually(async () => Date.parse((await lastUsed(used.id)) ?? '') >= second, 3_000)
  })

  // Two instances need one database server to share.
  it('is written at shutdown, and never moved back by an instance that saw an older use', async () => {
    const key = await createTestKey(t.app, { scopes: ['links:read'] })
    const other = await startTestApp({ DATABASE_URL: requireRealDatabaseUrl(), KEY_USAGE_FLUSH_MS: '3600000' })
    let later: string
    try {
      expect((await other.app.inject({ url: '/api/v1/links?limit=1', headers: key.headers })).statusCode).toBe(200)
      await new Promise((r) => setTimeout(r, 20))
      await listLinks(key.headers)
      later = await eventually(() => lastUsed(key.id), 3_000)
    } finally {
      // Its flush interval is an hour: only closing writes its (older) use.
      await other.close()
    }
    const { rows } = await t.app.pg.query('select last_used_at from api_keys where id = $1', [key.id])
    expect(rows[0].last_used_at.toISOString()).toBe(later)
  })

  it('is written at shutdown when the interval has not come yet', async () => {
    const key = await createTestKey(t.app, { scopes: ['links:read'] })
    const other = await startTestApp({ DATABASE_URL: requireRealDatabaseUrl(), KEY_USAGE_FLUSH_MS: '3600000' })
    const before = Date.now()
    try {
      expect((await other.app.inject({ url: '/api/v1/links?limit=1', headers: key.headers })).statusCode).toBe(200)
      await new Promise((r) => setTimeout(r, 300))
      expect(await lastUsed(key.id)).toBeNull()
    } finally {
      await other.close()
    }
    expect(Date.parse((await lastUsed(key.id)) ?? '')).toBeGreaterThanOrEqual(before)
  })
})

describe('first start', () => {
  // A database of its own has no key rows, whatever the other test files do on the shared one.
  const startCapturingLogs = async (env: Record<string, string>) => {
    const scratch = await createScratchDatabase()
    const lines: string[] = []
    const logStream = new Writable({
      write: (chunk, _enc, done) => {
        lines.push(String(chunk))
        done()
      },
    })
    const config = testConfig(
      { LOG_LEVEL: 'info', ...(scratch ? { DATABASE_URL: scratch.url } : {}), ...env },
      scratch ? 'postgres' : 'embedded',
    )
    const app = await buildApp(config, { logStream })
    try {
      await app.ready()
    } finally {
      await app.close()
      await scratch?.drop()
    }
    return lines.join('')
  }

  it('says how to create a key when there is none and no ADMIN_API_KEY', async () => {
    const log = await startCapturingLogs({ ADMIN_API_KEY: '' })
    expect(log).toContain(FIRST_KEY_HINT)
    expect(FIRST_KEY_HINT).toContain('./bin/umbra keys create --scope')
  })

  it('says nothing of the kind when ADMIN_API_KEY is set', async () => {
    expect(await startCapturingLogs({})).not.toContain('no API key exists yet')
  })
})

describe('umbra keys', () => {
  it('creates (printing the secret once), lists and revokes by prefix', async () => {
    const out: string[] = []
    await runKeysCommand(
      t.app.pg,
      ['create', '--scope', 'links:write,stats:read', '--name', 'cli-cms', '--expires', '2099-01-01'],
      (l) => out.push(l),
    )
    const secret = /secret \(shown this once, store it now\): (umb_\S+)/.exec(out.join('\n'))?.[1] ?? ''
    expect(secret).not.toBe('')
    expect((await t.app.inject({ url: '/api/v1/links/x/stats', headers: bearer(secret) })).statusCode).toBe(404)

    out.length = 0
    await runKeysCommand(t.app.pg, ['list'], (l) => out.push(l))
    const line = out.find((l) => l.includes('cli-cms'))
    expect(line).toContain('[links:write,stats:read]')
    expect(line).toContain('expires 2099-01-01')
    expect(out.join('\n')).not.toContain(secret.slice(12))

    await runKeysCommand(t.app.pg, ['revoke', secret.slice(0, 12)], (l) => out.push(l))
    t.app.apiKeys.clear() // the CLI is another process: this instance would see it within the cache TTL
    expect((await t.app.inject({ url: '/api/v1/links/x/stats', headers: bearer(secret) })).statusCode).toBe(401)
  })

  // On the embedded database too: test/faults/embedded-service.test.ts runs it beside a running server.
  it('runs as ./bin/umbra keys, on the configured database', async () => {
    const umbra = (args: string[]) =>
      promisify(execFile)('./bin/umbra', ['keys', ...args], {
        env: { ...process.env, DATABASE_URL: requireRealDatabaseUrl(), DATA_DIR: t.config.dataDir },
      })
    const created = await umbra(['create', '--scope', 'links:read', '--name', 'spawned'])
    const secret = /(umb_[A-Za-z0-9_-]{43})/.exec(created.stdout)?.[1] ?? ''
    expect(secret).not.toBe('')
    expect((await listLinks(bearer(secret))).statusCode).toBe(200)
    await expect(umbra(['create', '--name', 'x', '--scope', 'nope'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--scope: "nope"'),
    })
  })

  it('creates a publishable key from --origin and refuses bad input with the reason', async () => {
    const out: string[] = []
    await runKeysCommand(t.app.pg, ['create', '--origin', 'https://site.example', '--name', 'cli-widget'], (l) =>
      out.push(l),
    )
    expect(out.join('\n')).toMatch(/publishable .*\[shares:write\].*origins https:\/\/site\.example/)
    await expect(runKeysCommand(t.app.pg, ['create', '--scope', 'links:nope', '--name', 'x'])).rejects.toThrow(
      /--scope: "links:nope"/,
    )
    await expect(runKeysCommand(t.app.pg, ['create', '--scope', 'links:read'])).rejects.toThrow(/--name is required/)
    await expect(
      runKeysCommand(t.app.pg, ['create', '--scope', 'links:read', '--name', 'x', '--expires', '2001-01-01']),
    ).rejects.toThrow(/must be in the future/)
    await expect(runKeysCommand(t.app.pg, ['revoke', 'umb_nothing'])).rejects.toThrow(/no key has the id or prefix/)
  })
})
