import { randomBytes } from 'node:crypto'
import pg from 'pg'

const SERVER = process.env.BENCH_DATABASE_SERVER || 'postgres://postgres@127.0.0.1:5432/postgres'

/** A fresh database on the local Postgres server for one bench run; drop() removes it. */
export async function createBenchDatabase(prefix = 'umbra_bench') {
  const admin = new pg.Client({ connectionString: SERVER })
  await admin.connect()
  const name = `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`
  await admin.query(`create database ${name}`)
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
