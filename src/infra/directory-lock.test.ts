import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { claimDirectory } from './directory-lock.ts'

const tempDir = () => mkdtempSync(join(tmpdir(), 'umbra-lock-'))
const inUse = (pid: number) => `in use by process ${pid}`

describe('a directory is claimed by one process at a time', () => {
  it('refuses a directory that a live process holds, naming it', async () => {
    const dir = tempDir()
    const holder = spawn('sleep', ['30'])
    try {
      writeFileSync(join(dir, 'umbra.pid'), String(holder.pid))
      expect(() => claimDirectory(dir, 'umbra.pid', inUse)).toThrow(`in use by process ${holder.pid}`)
    } finally {
      holder.kill()
    }
  })

  it('takes over a lock left by a dead process, and gives it back on release', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'umbra.pid'), '999999999')
    const release = claimDirectory(dir, 'umbra.pid', inUse)
    expect(readFileSync(join(dir, 'umbra.pid'), 'utf8')).toBe(String(process.pid))
    release()
    expect(() => readFileSync(join(dir, 'umbra.pid'))).toThrow()
  })
})
