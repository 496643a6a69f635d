import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runMigrations } from '../../src/infra/migrate.ts'
import { createScratchDatabase, requireRealDatabaseUrl } from './test-app.ts'

const MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url))

/**
 * A scratch database (real Postgres) with the schema as it stood before migration `number` (e.g. '042'),
 * for a test to store rows the old way and then apply the rest with `runMigrations(pool)`.
 */
export async function scratchDatabaseBefore(number: string) {
  requireRealDatabaseUrl()
  const scratch = (await createScratchDatabase())!
  const pool = scratch.pool(2)
  const before = mkdtempSync(join(tmpdir(), 'umbra-migrations-'))
  try {
    for (const f of readdirSync(MIGRATIONS).filter((f) => f < number)) cpSync(join(MIGRATIONS, f), join(before, f))
    await runMigrations(pool, `${before}/`)
  } finally {
    rmSync(before, { recursive: true, force: true })
  }
  return { scratch, pool }
}
