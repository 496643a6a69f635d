import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { basename, join } from 'node:path'
import { claimDirectory } from '../infra/directory-lock.ts'
import { COPY_BINARY_HEADER, scanClickRows } from './click-row.ts'
import { VERDICT_COLUMNS } from './click-verdict.ts'
import { convertLegacySegments } from './legacy-journal.ts'

const SEGMENT = /^seg-(\d+)-(\d+)\.bin$/
const VERDICT_SEPARATORS = VERDICT_COLUMNS.length - 1

export type ClickJournal = ReturnType<typeof openClickJournal>

/**
 * A batch on disk: `<segment>.bin`, its clicks as binary COPY data (header and rows), and, when it used
 * verdicts Postgres may not have yet, `<segment>.verdicts`, their click_verdicts rows as COPY text lines.
 */
export type Segment = string

/** What a segment holds, read back keeping whole rows and lines only. */
export type SegmentContent = { rows: Buffer; count: number; verdicts: string; discarded: number }

const rowsOf = (segment: Segment) => `${segment}.bin`
const verdictsOf = (segment: Segment) => `${segment}.verdicts`

/**
 * An append-only local log of clicks, written before the redirect is answered, so a click that got its
 * 302 survives SIGKILL. The writer seals one segment per batch and deletes it once the batch commits;
 * segments left by an earlier run are replayed at start (written the careful way, which skips clicks
 * Postgres already has). While Postgres is down the sealed segments are the spool: memory stays bounded,
 * disk holds the backlog.
 *
 * Durability is the kernel's page cache (write(2), no fsync): it survives a crash or kill of the
 * process, not a power cut of the machine.
 */
export function openClickJournal(dir: string) {
  mkdirSync(dir, { recursive: true })
  // Two live processes must not share a journal: each would replay the other's unfinished batches.
  const release = claimDirectory(dir, 'owner.pid', (pid) => `the click journal in ${dir} is in use by process ${pid}: give each instance its own DATA_DIR`)
  convertLegacySegments(dir)
  const leftOverFiles = readdirSync(dir).filter((f) => SEGMENT.test(f)).sort(bySegmentOrder)
  const leftOver: Segment[] = leftOverFiles.map((f) => join(dir, f.slice(0, -'.bin'.length)))
  // This run's segments sort after, and never share a name with, those of the run before (even in the same millisecond).
  const lastRun = leftOverFiles.length ? Number(SEGMENT.exec(leftOverFiles.at(-1)!)![1]) : 0
  const runId = Math.max(Date.now(), lastRun + 1)
  let seq = 0
  let current = ''
  let rowsFd = -1
  let verdictsFd = -1
  const openNext = () => {
    current = join(dir, `seg-${runId}-${String(++seq).padStart(9, '0')}`)
    rowsFd = openSync(rowsOf(current), 'a')
    writeSync(rowsFd, COPY_BINARY_HEADER)
    verdictsFd = -1
  }
  openNext()

  return {
    /** Segments from an earlier run, oldest first, to replay. */
    leftOver,
    /**
     * Appends a turn's new verdicts, then its click rows, each with one write(2) (a short write is
     * completed): a row on disk always has its verdict on disk or in Postgres. Throws when the disk refuses.
     */
    write(rows: Uint8Array, length: number, verdicts: string) {
      if (verdicts) {
        if (verdictsFd === -1) verdictsFd = openSync(verdictsOf(current), 'a')
        writeAll(verdictsFd, Buffer.from(verdicts))
      }
      if (length > 0) writeAll(rowsFd, rows.subarray(0, length))
    },
    /** Closes the current segment (the batch just sealed) and starts a new one; returns the sealed segment. */
    seal(): Segment {
      const sealed = current
      closeSync(rowsFd)
      if (verdictsFd !== -1) closeSync(verdictsFd)
      openNext()
      return sealed
    },
    /** The rows file as a COPY payload of its own (the writer streams it straight from the page cache). */
    rowsFile: rowsOf,
    /**
     * The whole rows and lines of a segment. A row or line cut short (the process died mid-write, or the
     * disk filled up) is discarded: its redirect was never answered, since the 302 leaves only after its
     * row is written, and a verdict is written before the first row that uses it.
     */
    read(segment: Segment): SegmentContent {
      const rows = readIfThere(rowsOf(segment))
      const whole = rows.length >= COPY_BINARY_HEADER.length ? scanClickRows(rows) : { count: 0, end: COPY_BINARY_HEADER.length }
      const verdicts = wholeVerdictLines(readIfThere(verdictsOf(segment)).toString('utf8'))
      const torn = rows.length > whole.end ? 1 : 0
      return {
        rows: Buffer.concat([COPY_BINARY_HEADER, rows.subarray(COPY_BINARY_HEADER.length, whole.end)]),
        count: whole.count,
        verdicts: verdicts.lines,
        discarded: torn + verdicts.discarded,
      }
    },
    remove(segment: Segment) {
      rmSync(rowsOf(segment), { force: true })
      rmSync(verdictsOf(segment), { force: true })
    },
    /** Moves a segment Postgres refuses (bad data, not an outage) aside, so it cannot block the ones behind it. */
    quarantine(segment: Segment): string {
      const rejected = join(dir, 'rejected')
      mkdirSync(rejected, { recursive: true })
      for (const file of [rowsOf(segment), verdictsOf(segment)]) if (existsSync(file)) renameSync(file, join(rejected, basename(file)))
      return join(rejected, basename(segment))
    },
    close() {
      closeSync(rowsFd)
      if (verdictsFd !== -1) closeSync(verdictsFd)
      // An empty open segment carries nothing: do not leave it for the next start.
      if (statSync(rowsOf(current)).size === COPY_BINARY_HEADER.length) this.remove(current)
      release()
    },
  }
}

/** write(2) may take less than asked (disk nearly full): go on from the byte it stopped at. */
function writeAll(fd: number, bytes: Uint8Array) {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at)
}

function readIfThere(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0)
    throw err
  }
}

/** The lines of a verdicts file with all their columns and a newline; a torn last line is dropped. */
function wholeVerdictLines(text: string): { lines: string; discarded: number } {
  let lines = ''
  let discarded = 0
  let start = 0
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', (start = end + 1))) {
    const line = text.slice(start, end + 1)
    if (line.split('\t').length - 1 === VERDICT_SEPARATORS) lines += line
    else discarded++
  }
  if (start < text.length) discarded++
  return { lines, discarded }
}

function bySegmentOrder(a: string, b: string) {
  const [, ra, sa] = SEGMENT.exec(a)!
  const [, rb, sb] = SEGMENT.exec(b)!
  return Number(ra) - Number(rb) || Number(sa) - Number(sb)
}
