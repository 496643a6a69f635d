import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { clickKindCodec } from '../click-kind/click-kind.ts'
import { openJournal } from './journal.ts'
import { COPY_BINARY_HEADER, decodeClickRows, MAX_CLICK_ROW_BYTES, writeClickRow } from '../click-kind/click-row.ts'
import { createClickVerdict } from '../verdicts/click-verdict.ts'

const verdict = createClickVerdict(
  'ua',
  '',
  '',
  Object.freeze({
    kind: 'human',
    medium: 'direct',
    app: null,
    visibility: 'dark',
    reason: 'no referrer',
    browser: 'Chrome',
    os: 'Linux',
    device: 'desktop',
  } as const),
)
const AT = Date.UTC(2026, 0, 1)

/** Click rows for the given ids, as a turn's buffer holds them. */
function rows(...ids: number[]) {
  const buf = Buffer.alloc(ids.length * MAX_CLICK_ROW_BYTES)
  let end = 0
  for (const id of ids) end = writeClickRow(buf, end, id, 1, AT + id, verdict.idHigh, verdict.idLow, 7, 'en', null)
  return buf.subarray(0, end)
}
const idsOf = (content: { rows: Buffer }) => decodeClickRows(content.rows).rows.map((r) => r.id)

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'umbra-journal-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('the click journal', () => {
  it('gives a segment back as binary COPY data (header and whole rows) with the verdicts written before them', () => {
    const journal = openJournal(tempDir(), clickKindCodec)
    const turn = rows(1, 2)
    journal.write(turn, turn.length, verdict.line)
    journal.write(rows(3), rows(3).length, '')
    const segment = journal.seal()
    const content = journal.read(segment)
    expect(content).toMatchObject({ count: 3, side: verdict.line, discarded: 0 })
    expect(content.rows.subarray(0, COPY_BINARY_HEADER.length)).toEqual(COPY_BINARY_HEADER)
    expect(idsOf(content)).toEqual([1, 2, 3])
    journal.close()
  })

  it('leaves sealed segments for the next start, oldest first, and skips a row or verdict line cut short by a crash', () => {
    const dir = tempDir()
    const first = openJournal(dir, clickKindCodec)
    first.write(rows(1), rows(1).length, verdict.line)
    first.seal()
    first.write(rows(2), rows(2).length, '')
    const open = first.seal()
    // The process dies in the middle of a write: part of a row at the end of the segment, part of a verdict line.
    appendFileSync(first.rowsFile(open), rows(3).subarray(0, 25))
    appendFileSync(`${open}.verdicts`, verdict.line.slice(0, 30))
    first.close()

    const next = openJournal(dir, clickKindCodec)
    expect(next.leftOver).toHaveLength(2)
    expect(next.read(next.leftOver[0])).toMatchObject({ count: 1, side: verdict.line, discarded: 0 })
    const torn = next.read(next.leftOver[1])
    expect(torn).toMatchObject({ count: 1, side: '', discarded: 2 })
    expect(idsOf(torn)).toEqual([2])
    next.close()
  })

  it('names the segments of a run started in the same millisecond as the last one after its leftovers', () => {
    const dir = tempDir()
    const future = Date.now() + 60_000 // a leftover from a run that seems to have started later than now
    writeFileSync(join(dir, `seg-${future}-000000001.bin`), Buffer.concat([COPY_BINARY_HEADER, rows(1)]))
    const journal = openJournal(dir, clickKindCodec)
    journal.write(rows(2), rows(2).length, '')
    const mine = journal.seal()
    expect(journal.leftOver).toEqual([join(dir, `seg-${future}-000000001`)])
    expect(mine > journal.leftOver[0]).toBe(true)
    expect(idsOf(journal.read(journal.leftOver[0]))).toEqual([1])
    expect(idsOf(journal.read(mine))).toEqual([2])
    journal.close()
  })

  it('removes a written segment with its verdicts, and moves a refused one aside', () => {
    const dir = tempDir()
    const journal = openJournal(dir, clickKindCodec)
    journal.write(rows(1), rows(1).length, verdict.line)
    const written = journal.seal()
    journal.write(rows(2), rows(2).length, verdict.line)
    const refused = journal.seal()
    journal.remove(written)
    const aside = journal.quarantine(refused)
    expect(existsSync(journal.rowsFile(written))).toBe(false)
    expect(existsSync(`${written}.verdicts`)).toBe(false)
    expect(readdirSync(join(dir, 'rejected')).sort()).toHaveLength(2)
    expect(aside.startsWith(join(dir, 'rejected'))).toBe(true)
    journal.close()
  })

  it('leaves no empty segment behind at close', () => {
    const dir = tempDir()
    openJournal(dir, clickKindCodec).close()
    expect(readdirSync(dir).filter((f) => f.startsWith('seg-'))).toEqual([])
  })

  it('refuses a directory another live process journals into', () => {
    const dir = tempDir()
    openJournal(dir, clickKindCodec).close()
    writeFileSync(join(dir, 'owner.pid'), String(process.ppid)) // a live process that is not us
    expect(() => openJournal(dir, clickKindCodec)).toThrow(/in use by process/)
  })
})
