import { loadConfig } from '../config.ts'
import { createPool } from '../infra/database.ts'
import { runMigrations } from '../infra/migrate.ts'

/** `umbra migrate`: applies pending migrations and says which (the server also does this at start). */
export default async function migrate() {
  const pool = await createPool(loadConfig(process.env))
  try {
    const applied = await runMigrations(pool)
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date')
  } finally {
    await pool.end()
  }
}
