import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'

// Small pid-file primitives for processes that share a directory (the embedded Postgres' owner and start lock).

/** Serialises starting, adopting and stopping between processes on one DATA_DIR; a dead holder's lock is taken over. */
export async function lockStart(path: string): Promise<() => void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      writeFileSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(path, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const holder = readPid(path)
    if (holder === null ? Date.now() - mtimeMs(path) > 5_000 : !isAlive(holder)) rmSync(path, { force: true })
    else if (Date.now() > deadline)
      throw new Error(`${path} is held by process ${holder}: remove it if that process is not Umbra`)
    else await sleep(50)
  }
}

function mtimeMs(path: string) {
  try {
    return statSync(path).mtimeMs
  } catch {
    return 0
  }
}

export function readPid(path: string): number | null {
  try {
    return Number(readFileSync(path, 'utf8').trim()) || null
  } catch {
    return null
  }
}

export function writeAtomically(path: string, content: string) {
  writeFileSync(`${path}.tmp`, content, { mode: 0o600 })
  renameSync(`${path}.tmp`, path)
}

export function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
