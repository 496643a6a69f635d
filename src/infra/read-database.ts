import fp from 'fastify-plugin'
import pg from 'pg'
import { isDatabaseUnavailable, SESSION_OPTIONS } from './database.ts'
import { counterFrom, gaugeFrom } from './metrics.ts'
import type { Pool, Queryable } from './pool.ts'

/** Where the read side runs: single queries, and a connection of its own for a long read (an export's cursor). */
export type ReadPool = Queryable & Pick<Pool, 'connect'>

// The replica is asked how far behind it is this often; a replica found down is asked again as often.
const CHECK_EVERY_MS = 1_000
// A replica that does not answer is given up on quickly: the primary can answer instead.
const CONNECT_TIMEOUT_MS = 1_000
const CHECK_TIMEOUT_MS = 2_000
// SQLSTATE of a query on a hot standby cancelled because the WAL it must replay removes rows the query reads.
const RECOVERY_CONFLICT = '40001'

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
    p.then(resolve, reject).finally(() => clearTimeout(timer))
  })

// Seconds since the last transaction replayed, or 0 when everything received is replayed (an idle primary
// sends nothing, and the replica is then not behind however old its last transaction is).
const REPLICA_LAG = `
select pg_is_in_recovery() as recovering,
       case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
            else extract(epoch from now() - pg_last_xact_replay_timestamp()) end::float8 as lag_seconds,
       pg_last_wal_replay_lsn()::text as replayed`

export type ReplicaState = { state: 'up' | 'down'; lagSeconds: number | null; lagBytes: number | null }

declare module 'fastify' {
  interface FastifyInstance {
    /** Where stats, reports and exports read: READ_DATABASE_URL's replica while it answers, else the primary. */
    reads: ReadPool
  }
}

/**
 * READ_DATABASE_URL: a streaming replica for the read side. A query the replica cannot answer (it is down,
 * restarting, unreachable) is answered by the primary, and the replica is used again once it answers the
 * lag check; the lag (seconds and bytes of WAL not replayed) is in /readyz and /metrics. Without it, reads
 * go to the primary.
 */
export const readDatabasePlugin = fp(
  async (app, { readDatabaseUrl }: { readDatabaseUrl: string | undefined }) => {
    const primary = app.pg.pool as pg.Pool
    if (!readDatabaseUrl) {
      app.decorate('reads', primary)
      return
    }
    const log = app.log.child({ component: 'read-replica' })
    const replica = new pg.Pool({
      connectionString: readDatabaseUrl,
      max: 10,
      application_name: 'umbra-reads',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      options: SESSION_OPTIONS,
    })
    replica.on('error', () => {})
    replica.on('connect', (client) => client.on('error', () => {}))
    const state: ReplicaState = { state: 'down', lagSeconds: null, lagBytes: null }
    let fallbacks = 0

    const markDown = (err: unknown) => {
      if (state.state === 'up') log.warn({ err }, 'read replica unavailable: reading from the primary')
      Object.assign(state, { state: 'down', lagSeconds: null, lagBytes: null })
    }
    async function check() {
      try {
        const { rows } = await withTimeout(replica.query(REPLICA_LAG), CHECK_TIMEOUT_MS)
        const r = rows[0]
        if (!r.recovering) throw new Error('READ_DATABASE_URL is not a replica (not in recovery)')
        if (state.state === 'down') log.info('read replica up: stats, reports and exports read from it')
        Object.assign(state, { state: 'up', lagSeconds: r.lag_seconds, lagBytes: await bytesBehind(r.replayed) })
      } catch (err) {
        markDown(err)
      }
    }
    // WAL the primary has written that the replica has not replayed; unknown (null) while the primary is down.
    const bytesBehind = (replayed: string) =>
      primary.query('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::float8 as bytes', [replayed]).then(
        (r) => Math.max(0, r.rows[0].bytes) as number,
        () => null,
      )
    let checking: Promise<void> = check()
    await checking
    if (state.state === 'down')
      log.warn('read replica not answering (or not a replica): reading from the primary until it does')
    const timer = setInterval(() => {
      // One check at a time: a replica slow to answer is not asked again until it has.
      checking = checking.then(check)
    }, CHECK_EVERY_MS).unref()

    const reads: ReadPool = {
      // A connection the replica cannot give (down, unreachable) comes from the primary, as single queries do.
      connect: (async () => {
        if (state.state === 'up') {
          try {
            return await replica.connect()
          } catch (err) {
            markDown(err)
          }
        }
        fallbacks++
        return primary.connect()
      }) as ReadPool['connect'],
      query: (async (...args: Parameters<pg.Pool['query']>) => {
        if (state.state === 'up') {
          try {
            return await (replica.query as (...a: unknown[]) => Promise<unknown>)(...args)
          } catch (err) {
            // A query the replica's recovery cancelled (rows it read were vacuumed on the primary) is asked there.
            if (isDatabaseUnavailable(err)) markDown(err)
            else if ((err as { code?: string }).code !== RECOVERY_CONFLICT) throw err
          }
        }
        fallbacks++
        return (primary.query as (...a: unknown[]) => Promise<unknown>)(...args)
      }) as Queryable['query'],
    }
    app.decorate('reads', reads)

    const registry = app.metrics.registry
    gaugeFrom(registry, 'umbra_read_replica_up', 'Whether reads go to READ_DATABASE_URL (1) or the primary (0)', () =>
      state.state === 'up' ? 1 : 0,
    )
    gaugeFrom(
      registry,
      'umbra_read_replica_lag_seconds',
      'Seconds the read replica is behind (-1 while down)',
      () => state.lagSeconds ?? -1,
    )
    gaugeFrom(
      registry,
      'umbra_read_replica_lag_bytes',
      'Bytes of WAL the read replica has not replayed (-1 while down)',
      () => state.lagBytes ?? -1,
    )
    counterFrom(
      registry,
      'umbra_read_replica_fallback_queries_total',
      'Read queries answered by the primary',
      [],
      () => [[{}, fallbacks]],
    )
    // Reads fall back to the primary, so a replica down is reported, not a reason to take the instance out.
    app.readiness.add('readReplica', () => ({ ready: true, report: { ...state } }))
    app.addHook('onClose', async () => {
      clearInterval(timer)
      await checking
      await replica.end()
    })
  },
  { name: 'read-database', dependencies: ['database', 'health', 'metrics'] },
)
