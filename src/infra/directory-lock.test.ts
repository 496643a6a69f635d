import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PglitePool } from './pglite-pool.ts'

const tempDir = () => mkdtempSync(join(tmpdir(), 'umbra-lock-'))

describe('the embedded database is held by one process at a time', () => {
  it('refuses a data directory that a live process holds, naming it', async () => {
    const dir = tempDir()
    const holder = spawn('sleep', ['30'])
    try {
      writeFileSync(join(dir, 'umbra-embedded.pid'), String(holder.pid))
      expect(() => new PglitePool({ dataDir: dir })).toThrow(`in use by process ${holder.pid}`)
    } finally {
      holder.kill()
    }
  })

  it('takes over a lock left by a dead process, and gives it back on end()', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'umbra-embedded.pid'), '999999999')
    const pool = new PglitePool({ dataDir: dir })
    expect(readFileSync(join(dir, 'umbra-embedded.pid'), 'utf8')).toBe(String(process.pid))
    expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }])
    await pool.end()
    expect(() => readFileSync(join(dir, 'umbra-embedded.pid'))).toThrow()
  })
})
