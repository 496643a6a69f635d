import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** This run's own database on the real Postgres server, or null when only the embedded default is available. */
    databaseUrl: string | null
  }
}

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres'

/** Creates a database of its own for this test run on the real Postgres server, and drops it afterwards. */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL || DEFAULT_SERVER
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
  }
}
