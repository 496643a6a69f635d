import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs'
import { basename, join } from 'node:path'
import { claimDirectory } from '../../infra/directory-lock.ts'
import { makePrivateDir, PRIVATE_FILE_MODE } from '../../infra/private-files.ts'
import { COPY_BINARY_HEADER, type RowCodec } from './row-codec.ts'

const SEGMENT = /^seg-(\d+)-(\d+)\.bin$/

export type Journal = ReturnType<typeof openJournal>

/**
 * A batch on disk: `<segment>.bin`, its events as binary COPY data (header and rows), and, when its rows
 * use side lines Postgres may not have yet (a click's verdict), `<segment>.<side>`, those lines.
 */
export type Segment = string

/** What a segment holds, read back keeping whole rows and lines only. */
export type SegmentContent = { rows: Buffer; count: number; side: string; discarded: number }

const rowsOf = (segment: Segment) => `${segment}.bin`

/**
 * An append-only local log of one kind of event, written before the request is answered, so an event
 * that got its answer survives SIGKILL. The pipeline seals one segment per batch and deletes it once the
 * batch commits; segments left by an earlier run are replayed at start (written the careful way, which
 * skips events Postgres already has). While Postgres is down the sealed segments are the spool: memory
 * stays bounded, disk holds the backlog.
 *
 * Durability is the kernel's page cache (write(2), no fsync): it survives a crash or kill of the
 * process, not a power cut of the machine.
 */
export function openJournal(dir: string, codec: RowCodec) {
  makePrivateDir(dir)
  // Two live processes must not share a journal: each would replay the other's unfinished batches.
  const release = claimDirectory(
    dir,
    'owner.pid',
    (pid) => `the ${codec.name} journal in ${dir} is in use by process ${pid}: give each instance its own DATA_DIR`,
  )
  const sideOf = (segment: Segment) => `${segment}.${codec.side?.extension ?? 'side'}`
  const leftOverFiles = readdirSync(dir)
    .filter((f) => SEGMENT.test(f))
    .sort(bySegmentOrder)
  const leftOver: Segment[] = leftOverFiles.map((f) => join(dir, f.slice(0, -'.bin'.length)))
  // This run's segments sort after, and never share a name with, those of the run before (even in the same millisecond).
  const lastRun = segmentOrder(leftOverFiles.at(-1) ?? '')[0]
  const runId = Math.max(Date.now(), lastRun + 1)
  let seq = 0
  let current = ''
  let rowsFd = -1
  let sideFd = -1
  const openNext = () => {
    current = join(dir, `seg-${runId}-${String(++seq).padStart(9, '0')}`)
    rowsFd = openSync(rowsOf(current), 'a', PRIVATE_FILE_MODE)
    writeSync(rowsFd, COPY_BINARY_HEADER)
    sideFd = -1
  }
  openNext()

  return {
    /** Segments from an earlier run, oldest first, to replay. */
    leftOver,
    /**
     * Appends a turn's new side lines, then its rows, each with one write(2) (a short write is
     * completed): a row on disk always has its side lines on disk or in Postgres. Throws when the disk refuses.
     */
    write(rows: Uint8Array, length: number, side: string) {
      if (side) {
        if (sideFd === -1) sideFd = openSync(sideOf(current), 'a', PRIVATE_FILE_MODE)
        writeAll(sideFd, Buffer.from(side))
      }
      if (length > 0) writeAll(rowsFd, rows.subarray(0, length))
    },
    /** Closes the current segment (the batch just sealed) and starts a new one; returns the sealed segment. */
    seal(): Segment {
      const sealed = current
      closeSync(rowsFd)
      if (sideFd !== -1) closeSync(sideFd)
      openNext()
      return sealed
    },
    /** The rows file as a COPY payload of its own (the drain streams it straight from the page cache). */
    rowsFile: rowsOf,
    /**
     * The whole rows and lines of a segment. A row or line cut short (the process died mid-write, or the
     * disk filled up) is discarded: its request was never answered, since the answer leaves only after its
     * row is written, and a side line is written before the first row that uses it.
     */
    read(segment: Segment): SegmentContent {
      const rows = readIfThere(rowsOf(segment))
      const whole =
        rows.length >= COPY_BINARY_HEADER.length
          ? codec.scanRows(rows, COPY_BINARY_HEADER.length)
          : { count: 0, end: COPY_BINARY_HEADER.length }
      const side = wholeLines(readIfThere(sideOf(segment)).toString('utf8'), codec.side?.fields ?? 0)
      const torn = rows.length > whole.end ? 1 : 0
      return {
        rows: Buffer.concat([COPY_BINARY_HEADER, rows.subarray(COPY_BINARY_HEADER.length, whole.end)]),
        count: whole.count,
        side: side.lines,
        discarded: torn + side.discarded,
      }
    },
    remove(segment: Segment) {
      rmSync(rowsOf(segment), { force: true })
      rmSync(sideOf(segment), { force: true })
    },
    /** Moves a segment Postgres refuses (bad data, not an outage) aside, so it cannot block the ones behind it. */
    quarantine(segment: Segment): string {
      const rejected = join(dir, 'rejected')
      makePrivateDir(rejected)
      for (const file of [rowsOf(segment), sideOf(segment)])
        if (existsSync(file)) renameSync(file, join(rejected, basename(file)))
      return join(rejected, basename(segment))
    },
    close() {
      closeSync(rowsFd)
      if (sideFd !== -1) closeSync(sideFd)
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

/** The lines of a side file with all their tab-separated fields and a newline; a torn last line is dropped. */
function wholeLines(text: string, fields: number): { lines: string; discarded: number } {
  let lines = ''
  let discarded = 0
  let start = 0
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    const line = text.slice(start, end + 1)
    if (line.split('\t').length === fields) lines += line
    else discarded++
    start = end + 1
  }
  if (start < text.length) discarded++
  return { lines, discarded }
}

/** A segment file's (run, sequence); (0, 0) for a name that is not a segment's. */
function segmentOrder(name: string): [number, number] {
  const match = SEGMENT.exec(name)
  return match ? [Number(match[1]), Number(match[2])] : [0, 0]
}

function bySegmentOrder(a: string, b: string) {
  const [ra, sa] = segmentOrder(a)
  const [rb, sb] = segmentOrder(b)
  return ra - rb || sa - sb
}
