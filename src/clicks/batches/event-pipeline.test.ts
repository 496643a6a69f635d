import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { openJournal } from '../journal/journal.ts'
import { COPY_BINARY_HEADER, type RowCodec } from '../journal/row-codec.ts'
import type { EventBatch, EventKind } from './event-kind.ts'
import { createEventPipeline } from './event-pipeline.ts'

// A second kind of event through the same journal, batches and drain: one int8 field a row, a count as
// its in-memory summary, nothing kept, no side lines. What another kind (the share funnel's beacons) plugs in.
const ROW_BYTES = 2 + 4 + 8
const tickCodec: RowCodec = {
  name: 'tick',
  maxRowBytes: ROW_BYTES,
  scanRows(buf, from) {
    let count = 0
    let at = from
    while (at + ROW_BYTES <= buf.length && buf.readInt16BE(at) === 1 && buf.readInt32BE(at + 2) === 8) {
      count++
      at += ROW_BYTES
    }
    return { count, end: at }
  },
}
const writeTick = (buf: Uint8Array, at: number, n: number) => {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  b.writeInt16BE(1, at)
  b.writeInt32BE(8, at + 2)
  b.writeBigInt64BE(BigInt(n), at + 6)
  return at + ROW_BYTES
}
const ticksOf = (b: EventBatch<{ n: number }, null>) => {
  const bytes = Buffer.concat([
    ...(b.rows.file === null ? [] : [readFileSync(b.rows.file)]),
    ...b.rows.chunks.map((c) => Buffer.from(c)),
  ])
  const ticks: number[] = []
  for (let at = COPY_BINARY_HEADER.length; at + ROW_BYTES <= bytes.length; at += ROW_BYTES)
    ticks.push(Number(bytes.readBigInt64BE(at + 6)))
  return ticks
}

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function tickPipeline(writeBatch: (b: EventBatch<{ n: number }, null>) => Promise<{ inserted: number }>) {
  const dir = mkdtempSync(join(tmpdir(), 'umbra-ticks-'))
  dirs.push(dir)
  const kind: EventKind<{ n: number }, null> = {
    ...tickCodec,
    newSummary: () => ({ n: 0 }),
    newKept: () => null,
    sideLinesOf: () => '',
    keepsAnything: () => false,
    writeBatch,
    committed: () => {},
  }
  const pipeline = createEventPipeline(kind, {
    journal: openJournal(dir, tickCodec),
    log: pino({ level: 'silent' }),
    batchSize: 100,
    flushMs: 10_000,
    bufferMax: 1_000,
  })
  const record = (n: number) => {
    const { gate } = pipeline
    pipeline.open().summary.n++
    gate.append(writeTick(gate.room(), gate.at(), n), '')
  }
  return { pipeline, record, dir }
}

describe('the event pipeline with a kind other than clicks', () => {
  it('journals before releasing, writes fresh with its summary, retries the careful way, and removes the segment', async () => {
    const seen: { ticks: number[]; summary: { n: number } | null; side: string }[] = []
    let fail = true
    const { pipeline, record, dir } = tickPipeline(async (b) => {
      seen.push({ ticks: ticksOf(b), summary: b.summary, side: b.side })
      if (fail) throw new Error('database down')
      return { inserted: b.count }
    })
    for (const n of [7, 8, 9]) record(n)
    let released = false
    pipeline.gate.afterWrite(() => (released = readdirSync(dir).some((f) => f.endsWith('.bin'))), null, null)
    expect(released).toBe(false)
    await new Promise((r) => setImmediate(r))
    expect(released).toBe(true)
    await pipeline.flush()
    fail = false
    await new Promise((r) => setTimeout(r, 150))
    await pipeline.flush()
    expect(seen).toEqual([
      { ticks: [7, 8, 9], summary: { n: 3 }, side: '' }, // fresh: its summary counted in memory
      { ticks: [7, 8, 9], summary: null, side: '' }, // it may have committed: retried the careful way
    ])
    expect(pipeline.stats()).toMatchObject({ captured: 3, written: 3, backlog: 0, failures: 1 })
    await pipeline.close()
    expect(readdirSync(dir).filter((f) => f.startsWith('seg-'))).toEqual([])
  })
})
