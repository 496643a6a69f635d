import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { openClickJournal } from './click-journal.ts'
import type { ClickRecord } from './click-record.ts'
import { createClickWriter, type ClickWriterOptions } from './click-writer.ts'
import type { ClickBatch } from './write-click-batch.ts'

const click = (id: number): ClickRecord => ({
  id, linkId: '1', at: Date.UTC(2026, 0, 1), kind: 'human', medium: 'direct', app: null, visibility: 'dark', referrer: null,
  userAgent: 'ua', visitor: id, language: null, country: null, browser: null, os: null, device: null, requestedWith: null,
})
const turn = () => new Promise((r) => setImmediate(r))

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A writer over a real journal and a stand-in database that records what it was asked to write. */
function writerWith(writeBatch: (b: ClickBatch) => Promise<{ inserted: number }>, o: Partial<ClickWriterOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'umbra-writer-'))
  dirs.push(dir)
  const journal = openClickJournal(join(dir, 'journal'))
  const writer = createClickWriter({ journal, writeBatch, log: pino({ level: 'silent' }), batchSize: 1000, flushMs: 10_000, bufferMax: 10_000, ...o })
  return { writer, dir: join(dir, 'journal') }
}

describe('the click writer', () => {
  it('lets a response go only once its click is in the journal', async () => {
    const { writer, dir } = writerWith(async (b) => ({ inserted: b.count }))
    const journaled = () => readdirSync(dir).filter((f) => f.startsWith('seg-')).map((f) => readFileSync(join(dir, f), 'utf8')).join('')
    writer.record(click(1))
    const sent: string[] = []
    writer.afterJournalWrite((status: string) => sent.push(`${status} sent; on disk: click ${journaled().split('\t')[0]}`), '302', null)
    expect(sent).toEqual([]) // not in this turn: the journal write comes first
    expect(journaled()).toBe('')
    await turn()
    expect(sent).toEqual([`302 sent; on disk: click ${click(1).id}`])
    expect(writer.stats()).toMatchObject({ captured: 1, backlog: 1 })
    await writer.close()
  })

  it('spreads a batch over half a flush interval when nothing waits behind it, and sends at full speed when batches queue', async () => {
    const spread: { count: number; spreadOverMs: number | undefined }[] = []
    let release: () => void = () => {}
    const { writer } = writerWith(async (b) => {
      spread.push({ count: b.count, spreadOverMs: b.payload.spreadOverMs })
      if (spread.length === 1) await new Promise<void>((r) => (release = r)) // the database is slow with the first
      return { inserted: b.count }
    }, { batchSize: 80, flushMs: 10_000 })
    for (let i = 1; i <= 10; i++) writer.record(click(i))
    const first = writer.flush() // alone: keeping up
    await turn()
    for (let i = 11; i <= 20; i++) writer.record(click(i))
    await turn()
    void writer.flush() // sealed while the first is being written
    for (let i = 21; i <= 30; i++) writer.record(click(i))
    await turn()
    void writer.flush() // a third: two now wait behind the first
    release()
    await first
    await writer.flush()
    // The first was alone; the second had the third queued behind it; the third was alone again.
    expect(spread).toEqual([{ count: 10, spreadOverMs: 5_000 }, { count: 10, spreadOverMs: 0 }, { count: 10, spreadOverMs: 5_000 }])
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
    for (let i = 1; i <= 3; i++) writer.record(click(i))
    await writer.flush()
    expect(writer.stats()).toMatchObject({ written: 0, backlog: 3, databaseHealthy: false, failures: 1 })
    fail = false
    await new Promise((r) => setTimeout(r, 150))
    await writer.flush()
    expect(seen).toEqual([{ count: 3, fresh: true }, { count: 3, fresh: false }])
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
      writer.record(click(i))
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
    writer.record(click(1))
    await writer.flush() // fresh attempt fails: retried the careful way first
    await new Promise((r) => setTimeout(r, 150))
    await writer.flush() // the careful way fails on the data too: aside
    writer.record(click(2))
    await writer.flush()
    expect(writer.stats()).toMatchObject({ rejected: 1, written: 1, backlog: 0 })
    expect(readdirSync(join(dir, 'rejected'))).toHaveLength(1)
    await writer.close()
  })
})

describe('the click writer when the disk refuses a journal write', () => {
  it('keeps redirecting, keeps those clicks in memory, and writes each click once, the careful way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'umbra-writer-'))
    dirs.push(dir)
    const real = openClickJournal(join(dir, 'journal'))
    let failNext = false
    const journal = {
      ...real,
      write(lines: string) {
        if (!failNext) return real.write(lines)
        failNext = false
        real.write(lines.slice(0, 30)) // part of a line reached the disk before the error
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })
      },
    }
    const sent: { ids: string[]; fresh: boolean }[] = []
    const writer = createClickWriter({
      journal,
      writeBatch: async (b) => {
        const chunks = b.payload.file === null ? b.payload.chunks : [readFileSync(b.payload.file), ...b.payload.chunks]
        const ids = chunks.flatMap((chunk) => chunk.toString().split('\n').filter(Boolean).map((line) => line.split('\t')[0]))
        sent.push({ ids, fresh: b.rollups !== null })
        return { inserted: new Set(ids).size }
      },
      log: pino({ level: 'silent' }),
      batchSize: 1000,
      flushMs: 10_000,
      bufferMax: 10_000,
    })
    writer.record(click(1))
    await turn()
    failNext = true
    writer.record(click(2))
    let released = false
    writer.afterJournalWrite(() => (released = true), null, null)
    await turn()
    expect(released).toBe(true)
    writer.record(click(3))
    await turn()
    await writer.close()
    expect(writer.stats()).toMatchObject({ unjournaled: 1, backlog: 0 })
    const ids = sent.flatMap((b) => b.ids)
    expect(new Set(ids)).toEqual(new Set([1, 2, 3].map((i) => String(click(i).id))))
    expect(sent.find((b) => b.ids.includes(String(click(2).id)))?.fresh).toBe(false)
  })
})
