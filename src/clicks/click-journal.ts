import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { basename, join } from 'node:path'
import { claimDirectory } from '../infra/directory-lock.ts'
import { CLICK_COLUMNS } from './click-line.ts'

const SEGMENT = /^seg-(\d+)-(\d+)\.tsv$/
const COLUMN_SEPARATORS = CLICK_COLUMNS.length - 1

export type ClickJournal = ReturnType<typeof openClickJournal>

/** The whole click lines of a segment read back from disk, ready to send as COPY data. */
export type SegmentContent = { lines: string; count: number; discarded: number }

/**
 * An append-only local log of clicks (one COPY text line each, see click-line.ts), written before the
 * redirect is answered, so a click that got its 302 survives SIGKILL. The writer seals one segment per
 * batch and deletes it once the batch commits; segments left by an earlier run are replayed at start
 * (click ids make replays harmless). While Postgres is down the sealed segments are the spool: memory
 * stays bounded, disk holds the backlog.
 *
 * Durability is the kernel's page cache (write(2), no fsync): it survives a crash or kill of the
 * process, not a power cut of the machine.
 */
export function openClickJournal(dir: string) {
  mkdirSync(dir, { recursive: true })
  // Two live processes must not share a journal: each would replay the other's unfinished batches.
  const release = claimDirectory(dir, 'owner.pid', (pid) => `the click journal in ${dir} is in use by process ${pid}: give each instance its own DATA_DIR`)
  const runId = Date.now()
  let seq = 0
  const leftOver = readdirSync(dir).filter((f) => SEGMENT.test(f)).sort(bySegmentOrder).map((f) => join(dir, f))
  let current = ''
  let fd = -1
  const openNext = () => {
    current = join(dir, `seg-${runId}-${String(++seq).padStart(9, '0')}.tsv`)
    fd = openSync(current, 'a')
  }
  openNext()

  return {
    /** Segments from an earlier run, oldest first, to replay. */
    leftOver,
    /** Appends whole lines with one write(2) (a short write is completed); throws when the disk refuses. */
    write(lines: string) {
      const written = writeSync(fd, lines)
      const total = Buffer.byteLength(lines)
      if (written < total) {
        // write(2) may take less than asked (disk nearly full): go on from the byte it stopped at.
        const bytes = Buffer.from(lines)
        for (let at = written; at < total; ) at += writeSync(fd, bytes, at, total - at)
      }
    },
    /** Closes the current segment (the batch just sealed) and starts a new one; returns the sealed path. */
    seal(): string {
      const sealed = current
      closeSync(fd)
      openNext()
      return sealed
    },
    /**
     * The whole lines of a segment. A line cut short (the process died mid-write, or the disk filled up)
     * is discarded: its redirect was never answered, since the 302 leaves only after its line is written.
     */
    read(path: string): SegmentContent {
      let text: string
      try {
        text = readFileSync(path, 'utf8')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lines: '', count: 0, discarded: 0 }
        throw err
      }
      let lines = ''
      let count = 0
      let discarded = 0
      let start = 0
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', (start = end + 1))) {
        if (isWholeLine(text, start, end)) {
          lines += text.slice(start, end + 1)
          count++
        } else discarded++
      }
      if (start < text.length) discarded++ // the tail after the last newline
      return { lines, count, discarded }
    },
    remove(path: string) {
      rmSync(path, { force: true })
    },
    /** Moves a segment Postgres refuses (bad data, not an outage) aside, so it cannot block the ones behind it. */
    quarantine(path: string): string {
      const rejected = join(dir, 'rejected')
      mkdirSync(rejected, { recursive: true })
      const target = join(rejected, basename(path))
      renameSync(path, target)
      return target
    },
    close() {
      closeSync(fd)
      // An empty open segment carries nothing: do not leave it for the next start.
      if (statSync(current).size === 0) unlinkSync(current)
      release()
    },
  }
}

/** A line as encodeClickLine writes it: one tab between each of the columns, an id first. */
function isWholeLine(text: string, start: number, end: number): boolean {
  let tabs = 0
  for (let i = text.indexOf('\t', start); i !== -1 && i < end; i = text.indexOf('\t', i + 1)) tabs++
  const first = text.charCodeAt(start)
  return tabs === COLUMN_SEPARATORS && first >= 48 && first <= 57
}

function bySegmentOrder(a: string, b: string) {
  const [, ra, sa] = SEGMENT.exec(a)!
  const [, rb, sb] = SEGMENT.exec(b)!
  return Number(ra) - Number(rb) || Number(sa) - Number(sb)
}
