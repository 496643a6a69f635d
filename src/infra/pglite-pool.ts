import { mkdirSync } from 'node:fs'
import type { PGlite } from '@electric-sql/pglite'
import { claimDirectory } from './directory-lock.ts'

type QueryResult = { rows: any[]; rowCount: number; fields: { name: string }[] }
type Callback<T> = (err: Error | null, value?: T) => void

/**
 * A pg-compatible Pool over an in-process PGlite, so @fastify/postgres and every repository run
 * unchanged on the embedded default. PGlite is one session: connect() hands out that session
 * exclusively (queued), and pool.query() waits its turn too, so transactions never interleave.
 */
export class PglitePool {
  // Loaded on first use: importing PGlite costs ~45 MB of memory, which a server on real Postgres never needs.
  readonly db: Promise<PGlite>
  #queue: Promise<void> = Promise.resolve()
  #release = () => {}

  constructor(options: { dataDir?: string } = {}) {
    if (options.dataDir && !options.dataDir.startsWith('memory://')) {
      mkdirSync(options.dataDir, { recursive: true })
      // One process at a time: a second PGlite on the same files (say the CLI beside the server) corrupts them.
      this.#release = claimDirectory(options.dataDir, 'umbra-embedded.pid', (pid) =>
        `the embedded database in ${options.dataDir} is in use by process ${pid}: stop that process first, ` +
        'or use the API (with ADMIN_API_KEY) while it runs')
    }
    // int8 as strings, as pg does: counts and ids beyond 2^53 must not lose precision silently. 16 MB of
    // buffers, not Postgres' 128 MB: the WASM heap never shrinks, and the files sit in the OS page cache
    // anyway (measured: the process at ~260 MB after a restart instead of ~400 MB).
    this.db = import('@electric-sql/pglite').then(
      ({ PGlite, types }) =>
        new PGlite(options.dataDir, {
          parsers: { [types.INT8]: (v: string) => v },
          startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
        }),
    )
    this.db.catch(() => {}) // reported by the first query
  }

  /** Runs fn with the session held exclusively. */
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    let release!: () => void
    const previous = this.#queue
    this.#queue = new Promise((resolve) => (release = resolve))
    await previous
    try {
      return await fn()
    } finally {
      release()
    }
  }

  query(text: string, params?: unknown[]): Promise<QueryResult>
  query(text: string, params: unknown[] | undefined, cb: Callback<QueryResult>): void
  query(text: string | { text: string; values?: unknown[] }, params?: unknown[] | Callback<QueryResult>, cb?: Callback<QueryResult>) {
    return withCallback(this.#exclusive(async () => runQuery(await this.db, text, params)), typeof params === 'function' ? params : cb)
  }

  connect(): Promise<PgliteClient>
  connect(cb: (err: Error | null, client?: PgliteClient, done?: () => void) => void): void
  connect(cb?: (err: Error | null, client?: PgliteClient, done?: () => void) => void) {
    const acquired = new Promise<PgliteClient>((resolveClient, rejectClient) => {
      let release!: () => void
      const previous = this.#queue
      this.#queue = new Promise((resolve) => (release = resolve))
      void previous.then(() => this.db).then(
        (db) => resolveClient(new PgliteClient(db, release)),
        (err) => (release(), rejectClient(err)),
      )
    })
    if (!cb) return acquired
    acquired.then((client) => cb(null, client, () => client.release()), cb)
  }

  on() {
    return this
  }

  async end(cb?: () => void) {
    await this.#exclusive(async () => {
      const db = await this.db
      if (!db.closed) await db.close()
    })
    this.#release()
    cb?.()
  }
}

/** The session lent out by PglitePool.connect(); release() gives it back. */
export class PgliteClient {
  #released = false
  constructor(
    private readonly db: PGlite,
    private readonly releaseSession: () => void,
  ) {}

  query(text: string | { text: string; values?: unknown[] }, params?: unknown[] | Callback<QueryResult>, cb?: Callback<QueryResult>): any {
    return withCallback(runQuery(this.db, text, params), typeof params === 'function' ? params : cb)
  }

  /** `COPY … FROM '/dev/blob'` with the blob as the file; resolves with the number of rows copied. */
  async copyFromBlob(sql: string, blob: Blob): Promise<number> {
    return (await this.db.query(sql, [], { blob })).affectedRows ?? 0
  }

  release() {
    if (this.#released) return
    this.#released = true
    this.releaseSession()
  }
}

async function runQuery(db: PGlite, query: string | { text: string; values?: unknown[] }, params?: unknown): Promise<QueryResult> {
  const text = typeof query === 'string' ? query : query.text
  const values = typeof query === 'string' ? (Array.isArray(params) ? params : undefined) : query.values
  if (values && values.length > 0) return toPgResult(await db.query(text, values))
  // Without parameters pg uses the simple protocol, which allows several statements (migrations).
  const results = await db.exec(text)
  return toPgResult(results.at(-1) ?? { rows: [], fields: [] })
}

function toPgResult(r: { rows: any[]; fields: { name: string }[]; affectedRows?: number }): QueryResult {
  return { rows: r.rows, fields: r.fields, rowCount: r.affectedRows ?? r.rows.length }
}

function withCallback<T>(promise: Promise<T>, cb?: Callback<T>) {
  if (!cb) return promise
  promise.then((v) => cb(null, v), (e) => cb(e))
}

/** Shaped like the pg module, for @fastify/postgres's `pg` option. */
export const pgliteModule = { Pool: PglitePool, Client: PgliteClient }
