import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PRIVATE_FILE_MODE } from './private-files.ts'

/**
 * Claims a directory for this process with a pid file; throws `inUse(pid)` when a live process holds it.
 * A pid file left by a dead process (SIGKILL, crash) is taken over. Returns the release function.
 */
export function claimDirectory(dir: string, lockName: string, inUse: (pid: number) => string): () => void {
  const lock = join(dir, lockName)
  try {
    const pid = Number(readFileSync(lock, 'utf8'))
    if (pid && pid !== process.pid && isAlive(pid)) throw new Error(inUse(pid))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  writeFileSync(lock, String(process.pid), { mode: PRIVATE_FILE_MODE })
  return () => rmSync(lock, { force: true })
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
