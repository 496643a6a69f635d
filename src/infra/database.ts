import { mkdirSync } from 'node:fs'
import fastifyPostgres from '@fastify/postgres'
import fp from 'fastify-plugin'
import pg from 'pg'
import type { Config } from '../config.ts'
import { claimDirectory } from './directory-lock.ts'
import { makePrivateDir, PRIVATE_DIR_MODE } from './private-files.ts'
import { openEmbeddedPostgres } from './embedded-postgres.ts'
import { runMigrations } from './migrate.ts'
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
const UNREACHABLE_SOCKET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/

/** Whether an error says the database cannot be reached right now (worth a retry), rather than that a query is wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && (UNREACHABLE_SOCKET.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true
  if (err instanceof AggregateError) return err.errors.some(isDatabaseUnavailable)
  return UNAVAILABLE_MESSAGE.test(err.message)
}

/** A database to connect to: DATABASE_URL's server, or the embedded Postgres under DATA_DIR (started or found). */
export type OpenDatabase = { url: string; kind: DatabaseKind; release: () => Promise<void> }

/**
 * Resolves where the database is. A server claims DATA_DIR first (one server per embedded cluster);
 * a client (the CLI) connects to the cluster a running server owns, or starts one for itself.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  role: 'server' | 'client',
): Promise<OpenDatabase> {
  if (config.databaseUrl) {
    // The journal and the secret live in DATA_DIR whichever database is used; the embedded one sets its mode itself
    // (as root, 0710: the postgres user passes through to its cluster).
    if (role === 'server') makePrivateDir(config.dataDir)
    return { url: config.databaseUrl, kind: 'postgres', release: async () => {} }
  }
  const unclaim = role === 'server' ? claimDataDir(config.dataDir) : () => {}
  try {
    const cluster = await openEmbeddedPostgres(config.dataDir, { role })
    return {
      url: cluster.url,
      kind: 'embedded',
      release: async () => {
        await cluster.release()
        unclaim()
      },
    }
  } catch (err) {
    unclaim()
    throw err
  }
}

// JIT compiling costs more than it saves on the app's queries (as the embedded cluster is configured too). With
// the default 4 MB work_mem a report over every link's 90 days sorts its per-link sums on disk instead of
// hashing them (1.7 s against 1.1 s, 10M clicks on a loaded machine); 16 MB is a ceiling per operation, taken
// only by the queries that need it. An `options` in DATABASE_URL itself takes precedence.
export const SESSION_OPTIONS = '-c jit=off -c work_mem=16MB'

function poolOptions(url: string): pg.PoolConfig {
  return {
    connectionString: url,
    max: 10,
    application_name: 'umbra',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    options: SESSION_OPTIONS,
  }
}

/** A pool outside Fastify, for the CLI; end() also lets go of an embedded cluster it started. */
export async function createPool(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Pool> {
  const database = await openDatabase(config, 'client')
  const pool = new pg.Pool(poolOptions(database.url))
  pool.on('error', () => {})
  const end = pool.end.bind(pool)
  const endBoth = async () => {
    await end()
    await database.release()
  }
  return Object.assign(pool, { end: endBoth }) as Pool
}

/** One server per DATA_DIR: made private if new, and claimed until released. */
function claimDataDir(dataDir: string) {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE })
  return claimDirectory(
    dataDir,
    'umbra.pid',
    (pid) =>
      `DATA_DIR ${dataDir} is in use by another Umbra server (process ${pid}): stop it, or give this one its own DATA_DIR`,
  )
}

/** Registers @fastify/postgres on the resolved database URL (see openDatabase) and applies migrations before anything else runs. */
export const databasePlugin = fp(
  async (app, { config, kind }: { config: Config & { databaseUrl: string }; kind: DatabaseKind }) => {
    await app.register(fastifyPostgres, { ...poolOptions(config.databaseUrl), pg })
    const pool = app.pg.pool as pg.Pool
    // A pool-level error (e.g. the server restarting) must not crash the process; queries report their own.
    pool.on('error', (err) => app.log.warn({ err }, 'idle database connection lost'))
    // A connection lost while checked out (the server restarting mid-transaction) makes its client emit
    // 'error' with pg-pool's idle handler detached: without a handler of its own that kills the process.
    // The query in flight fails and reports it; the caller releases the client.
    pool.on('connect', (client) => client.on('error', () => {}))
    const applied = await runMigrations(app.pg.pool)
    if (applied.length) app.log.info({ applied, database: kind }, 'migrations applied')
  },
  { name: 'database' },
)
