import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { ClickRecord } from './click-record.ts'

const SEGMENT = /^seg-(\d+)-(\d+)\.jsonl$/

/** Field order of a journal line; the record's keys are not repeated on every line. */
const FIELDS = ['id', 'linkId', 'at', 'kind', 'medium', 'app', 'visibility', 'referrer', 'userAgent', 'visitor', 'language', 'country', 'browser', 'os', 'device'] as const

export type ClickJournal = ReturnType<typeof openClickJournal>

/**
 * An append-only local log of clicks, written before the redirect is answered, so a click that got
 * its 302 survives SIGKILL. The writer seals one segment per batch and deletes it once the batch
 * commits; segments left by an earlier run are replayed at start (click ids make replays harmless).
 * While Postgres is down the sealed segments are the spool: memory stays bounded, disk holds the backlog.
 */
export function openClickJournal(dir: string) {
  mkdirSync(dir, { recursive: true })
  claimDirectory(dir)
  const runId = Date.now()
  let seq = 0
  const leftOver = readdirSync(dir).filter((f) => SEGMENT.test(f)).sort(bySegmentOrder).map((f) => join(dir, f))
  let current = ''
  let fd = -1
  const openNext = () => {
    current = join(dir, `seg-${runId}-${String(++seq).padStart(9, '0')}.jsonl`)
    fd = openSync(current, 'a')
  }
  openNext()

  return {
    /** Segments from an earlier run, oldest first, to replay. */
    leftOver,
    append(click: ClickRecord) {
      const row = new Array(FIELDS.length)
      for (let i = 0; i < FIELDS.length; i++) row[i] = click[FIELDS[i]]
      writeSync(fd, JSON.stringify(row) + '\n')
    },
    /** Closes the current segment (the batch just sealed) and starts a new one; returns the sealed path. */
    seal(): string {
      const sealed = current
      closeSync(fd)
      openNext()
      return sealed
    },
    read(path: string): ClickRecord[] {
      const clicks: ClickRecord[] = []
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line) continue
        try {
          const row = JSON.parse(line) as unknown[]
          clicks.push(Object.fromEntries(FIELDS.map((f, i) => [f, row[i]])) as ClickRecord)
        } catch {
          // A line cut short by a crash mid-write: its redirect was never answered, so it is not a click.
        }
      }
      return clicks
    },
    remove(path: string) {
      rmSync(path, { force: true })
    },
    close() {
      closeSync(fd)
      // An empty open segment carries nothing: do not leave it for the next start.
      if (readFileSync(current).length === 0) unlinkSync(current)
      rmSync(join(dir, 'owner.pid'), { force: true })
    },
  }
}

function bySegmentOrder(a: string, b: string) {
  const [, ra, sa] = SEGMENT.exec(a)!
  const [, rb, sb] = SEGMENT.exec(b)!
  return Number(ra) - Number(rb) || Number(sa) - Number(sb)
}

/** Two live processes must not share a journal: each would replay the other's unfinished batches. */
function claimDirectory(dir: string) {
  const owner = join(dir, 'owner.pid')
  try {
    const pid = Number(readFileSync(owner, 'utf8'))
    if (pid && pid !== process.pid && isAlive(pid))
      throw new Error(`the click journal in ${dir} is in use by process ${pid}: give each instance its own DATA_DIR`)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  writeFileSync(owner, String(process.pid))
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
