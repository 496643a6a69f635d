import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startReplicatedCluster } from './support/replica-cluster.ts'
import { auth, createScratchDatabase, eventually, startTestApp, type TestApp } from './support/test-app.ts'

// A real primary and streaming replica (initdb + pg_basebackup -R) started here; reads move to the replica,
// fall back to the primary while the replica is gone, and come back when it returns.
describe('READ_DATABASE_URL: stats, reports and exports from a streaming replica', () => {
  let cluster: Awaited<ReturnType<typeof startReplicatedCluster>>
  let t: TestApp
  let replicaAdmin: pg.Client | null = null
  let code: string

  const clicks = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const res = await t.app.inject({
        url: `/${code}`,
        headers: { 'user-agent': `Mozilla/5.0 (X11; Linux) Firefox/${i}` },
      })
      expect(res.statusCode).toBe(302)
    }
    await eventually(async () => {
      await t.app.clicks.writer.flush()
      return t.app.clicks.writer.stats().backlog === 0
    })
  }
  const total = async () => {
    const res = await t.app.inject({ url: `/api/v1/links/${code}/stats`, headers: auth })
    expect(res.statusCode).toBe(200)
    const s = res.json()
    return s.clicks + s.previews + s.bots
  }
  const exported = async () => {
    const res = await t.app.inject({ url: `/api/v1/exports/clicks.csv?link=${code}`, headers: auth })
    expect(res.statusCode).toBe(200)
    return res.body.trim().split('\n').length - 1
  }
  const readyz = async () => (await t.app.inject({ url: '/readyz' })).json()
  const metric = async (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec((await t.app.inject({ url: '/metrics' })).body)?.[1])
  const replicaSql = async (text: string) => {
    if (!replicaAdmin) {
      replicaAdmin = new pg.Client({ connectionString: cluster.replica.url })
      await replicaAdmin.connect()
    }
    return (await replicaAdmin.query(text)).rows
  }

  beforeAll(async () => {
    cluster = await startReplicatedCluster()
    t = await startTestApp({ DATABASE_URL: cluster.primary.url, READ_DATABASE_URL: cluster.replica.url })
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: auth,
      payload: { url: 'https://example.org/replicated' },
    })
    code = res.json().code
  }, 60_000)

  afterAll(async () => {
    await replicaAdmin?.end().catch(() => {})
    await t?.close()
    await cluster?.remove()
  })

  it('reads from the replica, reports its lag, and sees what it has replayed only', async () => {
    const ready = await readyz()
    expect(ready.status).toBe('ready')
    expect(ready.readReplica).toMatchObject({ state: 'up' })
    expect(typeof ready.readReplica.lagSeconds).toBe('number')
    expect(await metric('umbra_read_replica_up')).toBe(1)

    await clicks(3)
    await eventually(async () => (await total()) === 3)
    expect(await exported()).toBe(3)

    // Replay paused on the replica: the primary has the next clicks, the stats read from the replica do not.
    await replicaSql('select pg_wal_replay_pause()')
    await clicks(2)
    await eventually(async () => (await metric('umbra_read_replica_lag_bytes')) > 0)
    expect(await total()).toBe(3)
    expect(await exported()).toBe(3)
    const primaryCount = await t.app.pg.query(
      'select count(*)::int as n from clicks c join links l on l.id = c.link_id where l.code = $1',
      [code],
    )
    expect(primaryCount.rows[0].n).toBe(5)
    await replicaSql('select pg_wal_replay_resume()')
    await eventually(async () => (await total()) === 5)
    await eventually(async () => (await metric('umbra_read_replica_lag_bytes')) === 0)
  })

  it('falls back to the primary when the replica goes away, and returns to it when it is back', async () => {
    await replicaAdmin?.end().catch(() => {})
    replicaAdmin = null
    await cluster.replica.stop()
    // The first read after the replica went away is answered (by the primary), fresh clicks included.
    await clicks(1)
    expect(await total()).toBe(6)
    expect(await exported()).toBe(6)
    const ready = await readyz()
    expect(ready.status).toBe('ready')
    expect(ready.readReplica).toEqual({ state: 'down', lagSeconds: null, lagBytes: null })
    expect(await metric('umbra_read_replica_up')).toBe(0)
    const fallbacks = await metric('umbra_read_replica_fallback_queries_total')
    expect(fallbacks).toBeGreaterThan(0)

    await cluster.replica.start()
    await eventually(async () => (await readyz()).readReplica.state === 'up', 15_000)
    await eventually(async () => (await total()) === 6)
    // Back on the replica: no more reads answered by the primary.
    const after = await metric('umbra_read_replica_fallback_queries_total')
    await total()
    await exported()
    expect(await metric('umbra_read_replica_fallback_queries_total')).toBe(after)
    await replicaSql('select pg_wal_replay_pause()')
    await clicks(1)
    expect(await total()).toBe(6)
    await replicaSql('select pg_wal_replay_resume()')
    await eventually(async () => (await total()) === 7)
  })
})

describe('READ_DATABASE_URL that is not a replica', () => {
  it('is not read from (it would never see this primary’s writes): reads stay on the primary', async () => {
    const other = await createScratchDatabase()
    if (!other) throw new Error('this test needs the real Postgres')
    const t = await startTestApp({ READ_DATABASE_URL: other.url })
    try {
      expect((await t.app.inject({ url: '/readyz' })).json().readReplica).toEqual({
        state: 'down',
        lagSeconds: null,
        lagBytes: null,
      })
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/links',
        headers: auth,
        payload: { url: 'https://example.org/not-a-replica' },
      })
      const stats = await t.app.inject({ url: `/api/v1/links/${res.json().code}/stats`, headers: auth })
      expect(stats.statusCode).toBe(200)
    } finally {
      await t.close()
      await other.drop()
    }
  })
})
