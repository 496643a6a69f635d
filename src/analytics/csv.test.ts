import { describe, expect, it } from 'vitest'
import { countsCell, csvCell, csvFileName, csvLine } from './csv.ts'

describe('CSV cells', () => {
  it.each([
    { name: 'plain text as it is', value: 'whatsapp', cell: 'whatsapp' },
    { name: 'a number', value: 0.25, cell: '0.25' },
    { name: 'null as empty', value: null, cell: '' },
    { name: 'a comma, quoted', value: 'a,b', cell: '"a,b"' },
    { name: 'a quote, doubled and quoted', value: 'say "hi"', cell: '"say ""hi"""' },
    { name: 'a line break, quoted', value: 'a\nb', cell: '"a\nb"' },
    { name: 'a formula, made inert', value: '=HYPERLINK("http://evil")', cell: `"'=HYPERLINK(""http://evil"")"` },
    { name: 'a leading +, made inert', value: '+1', cell: "'+1" },
    { name: 'a leading @, made inert', value: '@SUM(A1)', cell: "'@SUM(A1)" },
    { name: 'emoji and RTL text unchanged', value: 'مرحبا 🌍', cell: 'مرحبا 🌍' },
  ])('$name', ({ value, cell }) => {
    expect(csvCell(value)).toBe(cell)
  })

  it('ends lines with CRLF (RFC 4180)', () => {
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n')
  })

  it('packs counts into one cell, largest first', () => {
    expect(countsCell({ slack: 1, whatsapp: 3 })).toBe('whatsapp=3;slack=1')
  })
})

describe('csvFileName', () => {
  const from = Date.parse('2026-11-01T00:00:00Z')
  const to = Date.parse('2026-12-01T00:00:00Z')
  it.each([
    {
      name: 'what it holds and its days',
      parts: ['clicks', 'topic', 'climate'],
      file: 'clicks-topic-climate-2026-11-01-to-2026-11-30.csv',
    },
    {
      name: 'quotes, slashes and spaces made dashes',
      parts: ['clicks', 'link', 'a"b/c d'],
      file: 'clicks-link-a-b-c-d-2026-11-01-to-2026-11-30.csv',
    },
    {
      name: 'non-ASCII made dashes, empty parts dropped',
      parts: ['funnel', 'topic', 'énergie', ''],
      file: 'funnel-topic-nergie-2026-11-01-to-2026-11-30.csv',
    },
  ])('$name', ({ parts, file }) => {
    expect(csvFileName(parts, from, to)).toBe(file)
  })
  it('leaves the days out when no range is given', () => {
    expect(csvFileName(['topics'])).toBe('topics.csv')
  })
})
