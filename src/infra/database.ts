import fastifyPostgres from '@fastify/postgres'
import fp from 'fastify-plugin'
import pg from 'pg'
import type { Config } from '../config.ts'
import { runMigrations } from './migrate.ts'
import { pgliteModule } from './pglite-pool.ts'

// A server that does not answer (a network partition) fails a query after this, rather than hanging it.
const CONNECT_TIMEOUT_MS = 5_000

/** The slice of pg.Pool that Umbra uses; PglitePool provides the same. */
export type Pool = Pick<pg.Pool, 'query' | 'connect' | 'end'>

export type DatabaseKind = 'postgres' | 'embedded'

export function databaseKind(config: Pick<Config, 'databaseUrl'>): DatabaseKind {
  return config.databaseUrl ? 'postgres' : 'embedded'
}

/** pg.Pool options and the pg-shaped module to build it with, for either kind of database. */
function poolSetup(config: Pick<Config, 'databaseUrl' | 'dataDir'>) {
  return config.databaseUrl
    ? { module: pg, options: { connectionString: config.databaseUrl, max: 10, application_name: 'umbra', connectionTimeoutMillis: CONNECT_TIMEOUT_MS } }
    : { module: pgliteModule as unknown as typeof pg, options: { dataDir: config.dataDir } as pg.PoolConfig }
}

/** A pool outside Fastify, for the CLI. */
export function createPool(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Pool {
  const { module, options } = poolSetup(config)
  return new module.Pool(options)
}

/** Registers @fastify/postgres (real server or embedded PGlite) and applies migrations before anything else runs. */
export const databasePlugin = fp(
  async (app, { config }: { config: Config }) => {
    const { module, options } = poolSetup(config)
    await app.register(fastifyPostgres, { ...options, pg: module })
    // A pool-level error (e.g. the server restarting) must not crash the process; queries report their own.
    if (module === pg) {
      const pool = app.pg.pool as pg.Pool
      pool.on('error', (err) => app.log.warn({ err }, 'idle database connection lost'))
      // A connection lost while checked out (the server restarting mid-transaction) makes its client emit
      // 'error' with pg-pool's idle handler detached: without a handler of its own that kills the process.
      // The query in flight fails and reports it; the caller releases the client.
      pool.on('connect', (client) => client.on('error', () => {}))
    }
    const applied = await runMigrations(app.pg.pool)
    if (applied.length) app.log.info({ applied, database: databaseKind(config) }, 'migrations applied')
  },
  { name: 'database' },
)
