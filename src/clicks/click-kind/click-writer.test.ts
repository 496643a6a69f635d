import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { openJournal } from '../journal/journal.ts'
import { clickKindCodec } from './click-kind.ts'
import { decodeClickRows } from './click-row.ts'
import { createClickVerdict, type ClickVerdict } from '../verdicts/click-verdict.ts'
import { createClickWriter, type ClickWriter, type ClickWriterOptions } from './click-writer.ts'
import type { ClickBatch } from './write-click-batch.ts'

const label = (browser: string) =>
  Object.freeze({
    kind: 'human',
    medium: 'direct',
    app: null,
    visibility: 'dark',
    reason: 'no referrer',
    browser,
    os: 'Linux',
    device: 'desktop',
  } as const)
const chrome = createClickVerdict('ua', '', '', label('Chrome'))
/** Records click `id` (its visitor is its id too) with a verdict. */
const record = (writer: ClickWriter, id: number, verdict: ClickVerdict = chrome) =>
  writer.recordClick(id, '1', 1, Date.UTC(2026, 0, 1), verdict, id, null, null)
const turn = () => new Promise((r) => setImmediate(r))
/** The click ids of a batch's COPY payload. */
const idsOf = (b: ClickBatch) => {
  const bytes = Buffer.concat([
    ...(b.rows.file === null ? [] : [readFileSync(b.rows.file)]),
    ...b.rows.chunks.map((c) => Buffer.from(c)),
  ])
  const ids: number[] = []
  // Chunks kept in memory carry rows without the header: scan from each row start.
  for (let at = 19; at < bytes.length; ) {
    const { rows, end } = decodeClickRows(bytes, at)
    ids.push(...rows.map((r) => r.id))
    if (end === at) break
    at = end
  }
  return ids
}

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A writer over a real journal and a stand-in database that records what it was asked to write. */
function writerWith(writeBatch: (b: ClickBatch) => Promise<{ inserted: number }>, o: Partial<ClickWriterOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'umbra-writer-'))
  dirs.push(dir)
  const journal = openJournal(join(dir, 'journal'), clickKindCodec)
  const writer = createClickWriter({
    journal,
    writeBatch,
    log: pino({ level: 'silent' }),
    batchSize: 1000,
    flushMs: 10_000,
    bufferMax: 10_000,
    ...o,
  })
  return { writer, dir: join(dir, 'journal') }
}

describe('the click writer', () => {
  it('lets a response go only once its click is in the journal', async () => {
    const { writer, dir } = writerWith(async (b) => ({ inserted: b.count }))
    const journaled = () =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.bin'))
        .flatMap((f) => decodeClickRows(readFileSync(join(dir, f))).rows.map((r) => r.id))
    record(writer, 1)
    const sent: string[] = []
    writer.afterWrite((status: string) => sent.push(`${status} sent; on disk: clicks ${journaled()}`), '302', null)
    expect(sent).toEqual([]) // not in this turn: the journal write comes first
    expect(journaled()).toEqual([])
    await turn()
    expect(sent).toEqual(['302 sent; on disk: clicks 1'])
    expect(writer.stats()).toMatchObject({ captured: 1, backlog: 1 })
    await writer.close()
  })

  it('spreads a batch over half a flush interval when nothing waits behind it, and sends at full speed when batches queue', async () => {
    const spread: { count: number; spreadOverMs: number | undefined }[] = []
    let release: () => void = () => {}
    const { writer } = writerWith(
      async (b) => {
        spread.push({ count: b.count, spreadOverMs: b.rows.spreadOverMs })
        if (spread.length === 1) await new Promise<void>((r) => (release = r)) // the database is slow with the first
        return { inserted: b.count }
      },
      { batchSize: 80, flushMs: 10_000 },
    )
    for (let i = 1; i <= 10; i++) record(writer, i)
    const first = writer.flush() // alone: keeping up
    await turn()
    for (let i = 11; i <= 20; i++) record(writer, i)
    await turn()
    void writer.flush() // sealed while the first is being written
    for (let i = 21; i <= 30; i++) record(writer, i)
    await turn()
    void writer.flush() // a third: two now wait behind the first
    release()
    await first
    await writer.flush()
    // The first was alone; the second had the third queued behind it; the third was alone again.
    expect(spread).toEqual([
      { count: 10, spreadOverMs: 5_000 },
      { count: 10, spreadOverMs: 0 },
      { count: 10, spreadOverMs: 5_000 },
    ])
    await writer.close()
  })

  it('writes a fresh batch with its rollups, and retries a failed one the careful way (no rollups from memory)', async () => {
    const seen: { count: number; fresh: boolean }[] = []
    let fail = true
    const { writer } = writerWith(async (b) => {
      seen.push({ count: b.count, fresh: b.rollups !== null })
      if (fail) throw Object.assign(new Error('connection lost'), { code: 'ECONNRESET' })
      return { inserted: b.count }
    })
    for (let i = 1; i <= 3; i++) record(writer, i)
    await writer.flush()
    expect(writer.stats()).toMatchObject({ written: 0, backlog: 3, databaseHealthy: false, failures: 1 })
    fail = false
    await new Promise((r) => setTimeout(r, 150))
    await writer.flush()
    expect(seen).toEqual([
      { count: 3, fresh: true },
      { count: 3, fresh: false },
    ])
    expect(writer.stats()).toMatchObject({ written: 3, backlog: 0, databaseHealthy: true })
    await writer.close()
  })

  it('keeps memory bounded while the database is down: newer batches wait on disk only, then drain in order', async () => {
    let down = true
    const written: number[] = []
    const { writer } = writerWith(
      async (b) => {
        if (down) throw new Error('database down')
        written.push(b.count)
        return { inserted: b.count }
      },
      { batchSize: 10, bufferMax: 25 },
    )
    for (let i = 1; i <= 100; i++) {
      record(writer, i)
      if (i % 10 === 0) await turn()
    }
    await writer.flush()
    const during = writer.stats()
    expect(during.backlog).toBe(100)
    expect(during.spooled).toBeGreaterThanOrEqual(100 - 25)
    expect(writer.spooledBatches()).toBeGreaterThan(0)
    down = false
    await writer.close(5_000)
    expect(written.reduce((a, b) => a + b, 0)).toBe(100)
    expect(writer.stats()).toMatchObject({ written: 100, backlog: 0, spooled: 0 })
  })

  it('moves a batch Postgres refuses as bad data aside instead of blocking the ones behind it', async () => {
    let calls = 0
    const { writer, dir } = writerWith(async (b) => {
      calls++
      if (calls <= 2) throw Object.assign(new Error('invalid input syntax'), { code: '22P02' })
      return { inserted: b.count }
    })
    record(writer, 1)
    await writer.flush() // fresh attempt fails: retried the careful way first
    await new Promise((r) => setTimeout(r, 150))
    await writer.flush() // the careful way fails on the data too: aside
    record(writer, 2)
    await writer.flush()
    expect(writer.stats()).toMatchObject({ rejected: 1, written: 1, backlog: 0 })
    // One segment moved aside: its rows, and the verdicts it listed.
    expect(readdirSync(join(dir, 'rejected')).sort()).toEqual([
      expect.stringMatching(/\.bin$/),
      expect.stringMatching(/\.verdicts$/),
    ])
    await writer.close()
  })
})

describe('the verdicts a batch carries', () => {
  it('lists each verdict a batch uses until a committed batch carried it, also in a retry and in a batch sealed meanwhile', async () => {
    // Verdicts of their own: the shared one is stored by the other tests' batches.
    const [chrome, safari] = [
      createClickVerdict('ua', '', '', label('Chrome')),
      createClickVerdict('ua', '', '', label('Safari')),
    ]
    const batches: { ids: number[]; verdicts: string }[] = []
    let fail = true
    const { writer } = writerWith(async (b) => {
      batches.push({ ids: idsOf(b), verdicts: b.verdicts })
      if (fail) throw Object.assign(new Error('connection lost'), { code: 'ECONNRESET' })
      return { inserted: b.count }
    })
    record(writer, 1, chrome)
    record(writer, 2, chrome)
    record(writer, 3, safari)
    await writer.flush() // fails
    record(writer, 4, chrome)
    await turn()
    fail = false
    await new Promise((r) => setTimeout(r, 150))
    await writer.flush() // the retry, then the batch sealed while the first waited
    record(writer, 5, chrome)
    record(writer, 6, safari)
    await writer.flush()
    expect(batches).toEqual([
      { ids: [1, 2, 3], verdicts: chrome.line + safari.line },
      { ids: [1, 2, 3], verdicts: chrome.line + safari.line },
      { ids: [4], verdicts: chrome.line },
      { ids: [5, 6], verdicts: '' },
    ])
    await writer.close()
  })
})

describe('the click writer when the disk refuses a journal write', () => {
  it('keeps redirecting, keeps those clicks in memory, and writes each click once, the careful way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'umbra-writer-'))
    dirs.push(dir)
    const real = openJournal(join(dir, 'journal'), clickKindCodec)
    let failNext = false
    const journal = {
      ...real,
      write(rows: Uint8Array, length: number, verdicts: string) {
        if (!failNext) return real.write(rows, length, verdicts)
        failNext = false
        real.write(rows, 30, verdicts) // part of a row reached the disk before the error
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })
      },
    }
    const sent: { ids: number[]; fresh: boolean }[] = []
    const writer = createClickWriter({
      journal,
      writeBatch: async (b) => {
        const ids = idsOf(b)
        sent.push({ ids, fresh: b.rollups !== null })
        return { inserted: new Set(ids).size }
      },
      log: pino({ level: 'silent' }),
      batchSize: 1000,
      flushMs: 10_000,
      bufferMax: 10_000,
    })
    record(writer, 1)
    await turn()
    failNext = true
    record(writer, 2)
    let released = false
    writer.afterWrite(() => (released = true), null, null)
    await turn()
    expect(released).toBe(true)
    record(writer, 3)
    await turn()
    await writer.close()
    expect(writer.stats()).toMatchObject({ unjournaled: 1, backlog: 0 })
    const ids = sent.flatMap((b) => b.ids)
    expect(new Set(ids)).toEqual(new Set([1, 2, 3]))
    expect(sent.find((b) => b.ids.includes(2))?.fresh).toBe(false)
  })
})
