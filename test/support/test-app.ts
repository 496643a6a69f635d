import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { inject } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { loadConfig, type Config } from '../../src/config.ts'

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef'
export const auth = { authorization: `Bearer ${ADMIN_KEY}` }

export type DatabaseChoice = 'postgres' | 'embedded'

/** The real Postgres database of this run; when none answers, the suite falls back to embedded (global-setup says so loudly). */
export const realDatabaseUrl = () => inject('databaseUrl')

export function testConfig(env: Record<string, string> = {}, database: DatabaseChoice = 'postgres'): Config {
  const url = database === 'postgres' ? realDatabaseUrl() : null
  return loadConfig({
    DATABASE_URL: url ?? undefined,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'umbra-test-')),
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'http://umbra.test',
    CLICK_FLUSH_MS: '20',
    ...env,
  })
}

/** Builds the whole app on a real database with a temp DATA_DIR; close() also removes the directory. */
export async function startTestApp(env: Record<string, string> = {}, database: DatabaseChoice = 'postgres') {
  const config = testConfig(env, database)
  const app = await buildApp(config)
  await app.ready()
  return {
    app,
    config,
    close: async () => {
      await app.close()
      rmSync(config.dataDir, { recursive: true, force: true })
    },
  }
}

/** A direct connection for asserting on tables. */
export async function connectTestDatabase(): Promise<pg.Client> {
  const url = realDatabaseUrl()
  if (!url) throw new Error('no real Postgres for this run')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  return client
}

/**
 * A database of its own on the real server, for tests that compare whole tables before and after (other
 * test files write to the shared one concurrently). Null when only the embedded database is available:
 * a fresh DATA_DIR is isolated anyway. drop() ends the pools made by pool() first.
 */
export async function createScratchDatabase(): Promise<{
  url: string
  pool: (max: number) => pg.Pool
  drop: () => Promise<void>
} | null> {
  const serverUrl = realDatabaseUrl()
  if (!serverUrl) return null
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  const name = `umbra_scratch_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  await admin.query(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const pools: pg.Pool[] = []
  return {
    url: url.toString(),
    pool: (max) => {
      const pool = new pg.Pool({ connectionString: url.toString(), max })
      // pool.end() resolves before its connections have closed, and the forced drop below may end one
      // first: that idle client's error (57P01) would otherwise be the process's uncaught exception.
      pool.on('error', () => {})
      pools.push(pool)
      return pool
    },
    drop: async () => {
      await Promise.all(pools.map((p) => p.end()))
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

/** The real Postgres of this run, for a test the embedded database cannot stand in for: failing beats a silent skip. */
export function requireRealDatabaseUrl(): string {
  const url = realDatabaseUrl()
  if (!url) throw new Error('this test needs the real Postgres (TEST_DATABASE_URL)')
  return url
}

/** Waits until fn returns a truthy value (polling), or fails after timeoutMs. */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 5_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

export type TestApp = { app: FastifyInstance; config: Config; close: () => Promise<void> }
