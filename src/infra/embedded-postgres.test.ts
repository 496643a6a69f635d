import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { openEmbeddedPostgres } from './embedded-postgres.ts'
import { isAlive } from './pid-files.ts'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'umbra-embedded-'))
  dirs.push(dir)
  return dir
}

async function select(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(sql)).rows
  } finally {
    await client.end()
  }
}

describe('openEmbeddedPostgres', () => {
  it('creates a cluster with an umbra database, shares it within the process, and stops it with the last release', async () => {
    const dir = tempDir()
    const [a, b] = await Promise.all([
      openEmbeddedPostgres(dir, { role: 'client' }),
      openEmbeddedPostgres(dir, { role: 'client' }),
    ])
    expect(b.url).toBe(a.url)
    expect(await select(a.url, 'select current_database() as db, current_setting($$shared_buffers$$) as sb')).toEqual([
      { db: 'umbra', sb: '16MB' },
    ])
    const postmaster = Number(readFileSync(join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0])
    await a.release()
    expect(isAlive(postmaster)).toBe(true)
    await b.release()
    expect(isAlive(postmaster)).toBe(false)
  }, 60_000)

  it('starts over a lock file whose pid another process has taken since (a reboot)', async () => {
    const dir = tempDir()
    const first = await openEmbeddedPostgres(dir, { role: 'client' })
    await first.release()
    const other = spawn('sleep', ['30'])
    try {
      const lock = `${other.pid}\n${join(dir, 'postgres')}\n0\n5432\n${join(dir, 'postgres')}\n\n0 0\nready   \n`
      mkdirSync(join(dir, 'postgres'), { recursive: true })
      writeFileSync(join(dir, 'postgres', 'postmaster.pid'), lock)
      const again = await openEmbeddedPostgres(dir, { role: 'client' })
      expect(await select(again.url, 'select 1 as one')).toEqual([{ one: 1 }])
      await again.release()
      expect(isAlive(other.pid!)).toBe(true)
    } finally {
      other.kill()
    }
  }, 60_000)
})
