import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { openEmbeddedPostgres } from '../../src/infra/embedded-postgres.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** This run's own database on the real Postgres server, or null when only the embedded default is available. */
    databaseUrl: string | null
  }
}

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres'

/**
 * Creates a database of its own for this test run on the real Postgres server, and drops it afterwards.
 * UMBRA_TEST_DATABASE=embedded: the server is instead one embedded Postgres (the engine of the embedded
 * default) started for the run, reached over 127.0.0.1 like the real one, so the whole suite runs on it.
 */
export default async function setup(project: TestProject) {
  const embedded = process.env.UMBRA_TEST_DATABASE === 'embedded' ? await startEmbeddedServer() : null
  const serverUrl = embedded?.url ?? (process.env.TEST_DATABASE_URL || DEFAULT_SERVER)
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3_000 })
  try {
    await admin.connect()
  } catch (err) {
    const message = `no Postgres answers at ${serverUrl.replace(/:[^:@/]*@/, ':***@')} (${(err as Error).message})`
    if (process.env.CI === 'true') throw new Error(`${message}; CI needs a real Postgres`)
    console.warn(`\n!!!!!!!!\n!!! ${message}\n!!! running every test on the EMBEDDED database only\n!!!!!!!!\n`)
    project.provide('databaseUrl', null)
    return
  }
  const name = `umbra_test_${process.pid}_${randomBytes(4).toString('hex')}`
  await admin.query(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  project.provide('databaseUrl', url.toString())
  return async () => {
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
    await embedded?.stop()
  }
}

/** One embedded cluster for the whole run: sized for the suite's many pools, and unsafe on power loss (fsync off). */
async function startEmbeddedServer() {
  const dir = mkdtempSync(join(tmpdir(), 'umbra-test-engine-'))
  const cluster = await openEmbeddedPostgres(dir, {
    role: 'server',
    tcpPort: await freePort(),
    settings: {
      max_connections: '300',
      shared_buffers: '64MB',
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
    },
  })
  const url = new URL(cluster.url)
  url.pathname = '/postgres'
  console.log(`tests run on an embedded Postgres (${url.host}, ${dir})`)
  return {
    url: url.toString(),
    stop: async () => {
      await cluster.release()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
