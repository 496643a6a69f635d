import fastifyPostgres from '@fastify/postgres'
import fp from 'fastify-plugin'
import pg from 'pg'
import type { Config } from '../config.ts'
import { runMigrations } from './migrate.ts'
import { pgliteModule } from './pglite-pool.ts'
import type { Pool } from './pool.ts'

// A server that does not answer (a network partition) fails a query after this, rather than hanging it.
const CONNECT_TIMEOUT_MS = 5_000

export type { Pool } from './pool.ts'

export type DatabaseKind = 'postgres' | 'embedded'

export function databaseKind(config: Pick<Config, 'databaseUrl'>): DatabaseKind {
  return config.databaseUrl ? 'postgres' : 'embedded'
}

// Socket errors on the way to the server; SQLSTATE class 08 (connection exception), 57P01–57P03 (the server
// shutting down, crashed, or starting) and 53300 (too many connections); and what pg and pg-pool say
// when a connection dies or cannot be had in time.
const UNREACHABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/
const UNAVAILABLE_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/

/** Whether an error says the database cannot be reached right now (worth a retry), rather than that a query is wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && (UNREACHABLE_SOCKET.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true
  if (err instanceof AggregateError) return err.errors.some(isDatabaseUnavailable)
  return UNAVAILABLE_MESSAGE.test(err.message)
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
