import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireRealDatabaseUrl } from '../../test/support/test-app.ts'
import { copyFrom } from './pg-copy-from.ts'

const LINES = 6_000
let client: pg.Client
let dir: string
let file: string
let fileBytes: number

beforeAll(async () => {
  client = new pg.Client({ connectionString: requireRealDatabaseUrl() })
  await client.connect()
  await client.query('create temp table copied (n int, line text)')
  dir = mkdtempSync(join(tmpdir(), 'umbra-copy-'))
  file = join(dir, 'lines.tsv')
  const text = Array.from({ length: LINES }, (_, n) => `${n}\t${'x'.repeat(40 + (n % 50))}\n`).join('')
  writeFileSync(file, text)
  fileBytes = Buffer.byteLength(text)
})
afterAll(async () => {
  await client?.end()
  rmSync(dir, { recursive: true, force: true })
})

/** The CopyData messages the connection writes during `run`, as sizes and when they were handed over. */
async function copyDataWrites(run: () => Promise<unknown>) {
  const stream = (client as unknown as { connection: { stream: { write: (...a: unknown[]) => boolean } } }).connection
    .stream
  const original = stream.write
  const writes: { bytes: number; at: number }[] = []
  stream.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
    if (Buffer.isBuffer(chunk) && chunk[0] === 0x64) writes.push({ bytes: chunk.length - 5, at: performance.now() })
    return original.call(this, chunk, ...rest)
  }
  try {
    await run()
  } finally {
    stream.write = original
  }
  return writes
}

describe('COPY from a journal file on Postgres', () => {
  it('sends the file in 256 KB frames as fast as Postgres takes them', async () => {
    await client.query('truncate copied')
    const writes = await copyDataWrites(() => copyFrom(client, 'copied', 'text', { file, chunks: [] }))
    expect(writes.map((w) => w.bytes)).toEqual([256 * 1024, fileBytes - 256 * 1024])
    expect((await client.query('select count(*)::int as n, sum(n)::bigint as s from copied')).rows[0]).toEqual({
      n: LINES,
      s: String((LINES * (LINES - 1)) / 2),
    })
  })

  it('spread out: 64 KB frames with a pause between them, every line still copied once', async () => {
    await client.query('truncate copied')
    const writes = await copyDataWrites(() =>
      copyFrom(client, 'copied', 'text', { file, chunks: [], spreadOverMs: 30 }),
    )
    const frames = Math.ceil(fileBytes / (64 * 1024))
    expect(writes).toHaveLength(frames)
    expect(writes.slice(0, -1).every((w) => w.bytes === 64 * 1024)).toBe(true)
    // Timers never fire early: each frame waits at least a whole millisecond after the one before.
    const gaps = writes.slice(1).map((w, i) => w.at - writes[i].at)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1)
    expect((await client.query('select count(*)::int as n, count(distinct n)::int as d from copied')).rows[0]).toEqual({
      n: LINES,
      d: LINES,
    })
  })
})
