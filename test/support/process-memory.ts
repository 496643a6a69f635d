import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** Resident memory of one process in MB from /proc/<pid>/smaps_rollup: RSS, and PSS (shared pages split). */
export function memoryOf(pid: number): { rss: number; pss: number } {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0)
    return { rss: kb('Rss') / 1024, pss: kb('Pss') / 1024 }
  } catch {
    return { rss: 0, pss: 0 }
  }
}

const parentOf = (pid: string) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return -1
  }
}

/** The embedded cluster's processes under DATA_DIR: the postmaster (postmaster.pid) and its children. */
export function clusterPids(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0])
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && parentOf(d) === postmaster)
    .map(Number)
  return [postmaster, ...children]
}

/**
 * The app and its embedded Postgres together: PSS summed (each shared page counted once overall, the
 * honest total) and RSS summed (shared pages counted once per process that maps them: an overcount).
 */
export function appAndClusterMemory(appPid: number, dataDir: string) {
  const pids = [appPid, ...clusterPids(dataDir)]
  const each = pids.map(memoryOf)
  return {
    processes: pids.length,
    app: memoryOf(appPid),
    rss: each.reduce((s, m) => s + m.rss, 0),
    pss: each.reduce((s, m) => s + m.pss, 0),
  }
}
