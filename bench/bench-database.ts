import { randomBytes } from 'node:crypto'
import pg from 'pg'

const SERVER = process.env.BENCH_DATABASE_SERVER || 'postgres://postgres@127.0.0.1:5432/postgres'

/** The local Postgres server the benches make their databases on. */
export const BENCH_DATABASE_SERVER = SERVER

/** A fresh database on the local Postgres server for one bench run (a copy of `template`, if given); drop() removes it. */
export async function createBenchDatabase(prefix = 'umbra_bench', template?: string) {
  const admin = new pg.Client({ connectionString: SERVER })
  await admin.connect()
  const name = `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`)
  const url = new URL(SERVER)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
    /** Leaves the database in place. */
    keep: () => admin.end(),
  }
}
