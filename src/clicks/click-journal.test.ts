import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openClickJournal } from './click-journal.ts'
import { encodeClickLine } from './click-line.ts'
import type { ClickRecord } from './click-record.ts'

const click = (id: number): ClickRecord => ({
  id, linkId: '1', at: Date.UTC(2026, 0, 1), kind: 'human', medium: 'direct', app: null, visibility: 'dark', referrer: null,
  userAgent: 'ua', visitor: 1, language: null, country: null, browser: null, os: null, device: null, requestedWith: null,
})

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
  it('gives a segment back as whole lines, ready to COPY', () => {
    const journal = openClickJournal(tempDir())
    journal.write(encodeClickLine(click(1)) + encodeClickLine(click(2)))
    const segment = journal.seal()
    expect(journal.read(segment)).toEqual({ lines: encodeClickLine(click(1)) + encodeClickLine(click(2)), count: 2, discarded: 0 })
    journal.close()
  })

  it('leaves sealed segments for the next start, oldest first, and skips a line cut short by a crash', () => {
    const dir = tempDir()
    const first = openClickJournal(dir)
    first.write(encodeClickLine(click(1)))
    first.seal()
    first.write(encodeClickLine(click(2)))
    const open = first.seal()
    // The process dies in the middle of a write: half a line at the end of the open segment.
    appendFileSync(open, encodeClickLine(click(3)).slice(0, 25))
    first.close()

    const next = openClickJournal(dir)
    expect(next.leftOver).toHaveLength(2)
    expect(next.read(next.leftOver[0]).count).toBe(1)
    expect(next.read(next.leftOver[1])).toMatchObject({ count: 1, discarded: 1 })
    next.close()
  })

  it('removes a written segment, and moves a refused one aside', () => {
    const dir = tempDir()
    const journal = openClickJournal(dir)
    journal.write(encodeClickLine(click(1)))
    const written = journal.seal()
    journal.write(encodeClickLine(click(2)))
    const refused = journal.seal()
    journal.remove(written)
    const aside = journal.quarantine(refused)
    expect(existsSync(written)).toBe(false)
    expect(readdirSync(join(dir, 'rejected'))).toHaveLength(1)
    expect(aside.startsWith(join(dir, 'rejected'))).toBe(true)
    journal.close()
  })

  it('refuses a directory another live process journals into', () => {
    const dir = tempDir()
    openClickJournal(dir).close()
    writeFileSync(join(dir, 'owner.pid'), String(process.ppid)) // a live process that is not us
    expect(() => openClickJournal(dir)).toThrow(/in use by process/)
  })
})
