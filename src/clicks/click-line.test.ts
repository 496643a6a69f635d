import { describe, expect, it } from 'vitest'
import { CLICK_COLUMNS, decodeClickLine, encodeClickLine, isoTimestamp } from './click-line.ts'
import type { ClickRecord } from './click-record.ts'

const click: ClickRecord = {
  id: 2 ** 32 + 7,
  linkId: '42',
  at: Date.UTC(2026, 10, 29, 8, 39, 1, 5),
  kind: 'human',
  medium: 'email',
  app: 'gmail',
  visibility: 'dark',
  referrer: 'https://mail.google.com/',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0',
  visitor: 2 ** 52 - 1,
  language: 'fr-ch',
  country: 'CH',
  browser: 'Chrome',
  os: 'Linux',
  device: 'desktop',
  requestedWith: 'com.facebook.katana',
}

describe('a click as one COPY text line', () => {
  it('round-trips every field', () => {
    const line = encodeClickLine(click)
    expect(line.endsWith('\n')).toBe(true)
    expect(line.split('\t')).toHaveLength(CLICK_COLUMNS.length)
    expect(decodeClickLine(line.slice(0, -1))).toEqual(click)
  })

  it('writes NULL as \\N and escapes what would break the line (a tab is legal in a header value)', () => {
    const odd = { ...click, app: null, medium: null, visibility: null, referrer: null, visitor: null, userAgent: 'a\tb\\c\nd\re' }
    const line = encodeClickLine(odd)
    expect(line.slice(0, -1)).not.toMatch(/\n|\r/)
    expect(line.split('\t')).toHaveLength(CLICK_COLUMNS.length)
    expect(line).toContain('\t\\N\t')
    expect(line).toContain('a\\tb\\\\c\\nd\\re')
    expect(decodeClickLine(line.slice(0, -1))).toEqual(odd)
  })

  it('formats timestamps Postgres accepts, with milliseconds, across second boundaries', () => {
    expect(isoTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02T03:04:05.006Z')
    expect(isoTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 999))).toBe('2026-01-02T03:04:05.999Z')
    expect(isoTimestamp(Date.UTC(2026, 0, 2, 3, 4, 6, 40))).toBe('2026-01-02T03:04:06.040Z')
  })

  it.each([
    ['a line cut short', encodeClickLine(click).slice(0, 40)],
    ['an empty line', ''],
    ['a line that is not a click', 'hello\tworld'],
  ])('refuses %s', (_, line) => {
    expect(decodeClickLine(line)).toBeNull()
  })
})
