import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { umbraBeside } from '../../test/support/umbra-cli.ts'
import { snapshotTables } from '../../test/support/table-snapshot.ts'
import { auth, eventually, startTestApp, type TestApp } from '../../test/support/test-app.ts'

const run = Date.now().toString(36)
const HOST = `go.cli-${run}.test`

const umbra = (t: TestApp, args: string[]) => umbraBeside(t, ['domains', ...args])

const visitRoot = (t: TestApp, host: string) => t.app.inject({ url: '/', headers: { host } })

let t: TestApp
beforeAll(async () => {
  t = await startTestApp({ PUBLIC_URL: 'https://umbra.test' }, 'embedded')
}, 120_000)
afterAll(() => t.close())

describe('umbra domains, while the server runs on the embedded database', () => {
  it('adds, updates and removes a domain the running server serves at once, each change audited', async () => {
    const added = await umbra(t, ['add', HOST.toUpperCase(), '--root-redirect', 'https://brand.example/'])
    expect([added.status, added.err]).toEqual([0, ''])
    expect(added.out).toMatch(
      new RegExp(`^added ${HOST.replaceAll('.', '\\.')} +0 links +root https://brand\\.example/`),
    )
    // The running server hears the table's NOTIFY and reloads: no restart, no API call.
    await eventually(async () => (await visitRoot(t, HOST)).headers.location === 'https://brand.example/', 5_000)
    const api = (await t.app.inject({ url: '/api/v1/domains', headers: auth })).json()
    expect(api.items.map((d: { host: string }) => d.host)).toEqual(['umbra.test', HOST])

    const updated = await umbra(t, [
      'update',
      HOST,
      '--root-redirect',
      '',
      '--not-found-url',
      'https://brand.example/404',
    ])
    expect([updated.status, updated.err]).toEqual([0, ''])
    expect(updated.out).toContain('root (ROOT_REDIRECT)  not found https://brand.example/404')
    await eventually(async () => (await visitRoot(t, HOST)).headers.location === '/dashboard', 5_000)

    const listed = await umbra(t, ['list'])
    expect(listed.out.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^umbra\.test +default \(PUBLIC_URL\)$/),
      expect.stringMatching(new RegExp(`^${HOST.replaceAll('.', '\\.')} +0 links`)),
    ])

    const removed = await umbra(t, ['remove', HOST])
    expect([removed.status, removed.out]).toEqual([0, `removed ${HOST}\n`])
    await eventually(async () => (await visitRoot(t, HOST)).headers.location === '/dashboard', 5_000)
    expect((await t.app.inject({ url: '/api/v1/domains', headers: auth })).json().items).toHaveLength(1)

    const audit = await t.app.pg.query(
      `select actor_kind, action, before, after from audit_log where entity = 'domain' and entity_id = $1 order by id`,
      [HOST],
    )
    expect(audit.rows).toEqual([
      {
        actor_kind: 'cli',
        action: 'create',
        before: null,
        after: { rootRedirect: 'https://brand.example/', notFoundUrl: null },
      },
      {
        actor_kind: 'cli',
        action: 'update',
        before: { rootRedirect: 'https://brand.example/', notFoundUrl: null },
        after: { rootRedirect: null, notFoundUrl: 'https://brand.example/404' },
      },
      {
        actor_kind: 'cli',
        action: 'delete',
        before: { rootRedirect: null, notFoundUrl: 'https://brand.example/404' },
        after: null,
      },
    ])
  }, 120_000)

  it('refuses bad input with one line on stderr and exit 1, changing nothing', async () => {
    const kept = `kept-${run}.test`
    expect((await umbra(t, ['add', kept])).status).toBe(0)
    const link = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: auth,
      payload: { url: 'https://example.com/', domain: kept },
    })
    expect(link.statusCode).toBe(201)
    const before = await snapshotTables(t.app.pg)
    const cases: [string[], string][] = [
      [['add', 'https://evil.example/path'], 'must be a host name'],
      [['add', 'no-dot'], 'must be a full host name'],
      [['add', 'umbra.test'], 'is the default domain'],
      [['add', kept], 'is served already'],
      [['add', `x-${kept}`, '--root-redirect', 'javascript:alert(1)'], '--root-redirect: '],
      [['update', kept, '--not-found-url', 'ftp://x.example/'], '--not-found-url: '],
      [['update', kept], 'name --root-redirect or --not-found-url'],
      [['update', `never-${run}.test`, '--root-redirect', 'https://x.example/'], 'does not exist'],
      [['remove', kept], 'still holds links'],
      [['remove', 'umbra.test'], 'is the default domain'],
      [['remove'], 'name one host'],
      [['rename', kept], 'unknown subcommand "rename"'],
    ]
    for (const [args, said] of cases) {
      const res = await umbra(t, args)
      expect([args, res.status, res.out]).toEqual([args, 1, ''])
      expect(res.err).toContain(said)
      expect(res.err.startsWith('umbra domains: ')).toBe(true)
    }
    expect(await snapshotTables(t.app.pg)).toEqual(before)
  }, 240_000)
})
