import { describe, expect, it } from 'vitest'
import { checkImportDomain } from './import-domain.ts'
import { emptyRecord, type ImportRecord } from './import-record.ts'
import { importedCodeProblem, parseClickTotal, parseExportDate, planRecords, tagToTopic } from './plan-import.ts'

const policy = { ownHosts: ['umbra.test'], blockedDomains: ['evil.example'] }
const record = (line: number, fields: Partial<ImportRecord>): ImportRecord => ({ ...emptyRecord(line), ...fields })

describe('imported codes', () => {
  it.each([
    ['1', null],
    ['a', null],
    ['Zz', null],
    ['3xYz9Ab', null],
    ['spring-sale', null],
    ['qr', '"qr" is reserved'],
    ['API', '"API" is reserved'],
    ['blog/post', 'must be 3 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['ünïcode', 'must be 3 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['x'.repeat(65), 'must be 3 to 64 characters of A-Z, a-z, 0-9, _ and -'],
  ])('%s → %s', (code, problem) => {
    expect(importedCodeProblem(code)).toBe(problem)
  })
})

describe('tags as topics', () => {
  it.each([
    ['Spring', 'spring'],
    ['Product News', 'product news'],
    ['#Books/2022', 'books-2022'],
    ['C++', 'c++'],
    ['Économie', 'économie'],
    ['###', null],
    ['  ', null],
  ])('%j → %j', (tag, topic) => {
    expect(tagToTopic(tag)).toBe(topic)
  })
})

describe('export dates', () => {
  it.each<[string | number, string | null]>([
    ['2021-03-04T05:06:07+0000', '2021-03-04T05:06:07.000Z'],
    ['2016-08-21T13:22:20+02:00', '2016-08-21T11:22:20.000Z'],
    ['2023-04-05T06:07:08.000Z', '2023-04-05T06:07:08.000Z'],
    ['2009-10-01 08:00:00', '2009-10-01T08:00:00.000Z'],
    ['2024-02-01', '2024-02-01T00:00:00.000Z'],
    [1_600_000_000, '2020-09-13T12:26:40.000Z'],
    ['1600000000', '2020-09-13T12:26:40.000Z'],
    ['yesterday', null],
    ['2024-13-45', null],
    ['', null],
  ])('%j → %j', (raw, iso) => {
    expect(parseExportDate(raw)?.toISOString() ?? null).toBe(iso)
  })

  it.each<[string | number, number | null]>([
    [328, 328],
    ['1234', 1234],
    ['1,024', 1024],
    ['0', 0],
    ['-3', null],
    ['many', null],
    [1.5, null],
    ['12,34', null],
  ])('click total %j → %j', (raw, n) => {
    expect(parseClickTotal(raw)).toBe(n)
  })
})

describe('planRecords', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')

  it('keeps good links, reports each refused one by line, and sees duplicates within the file', () => {
    const plan = planRecords(
      [
        record(2, {
          code: 'ok',
          url: 'https://bücher.example/a',
          title: ' T\u0007itle ',
          tags: ['A', 'a', '###'],
          createdAt: '2020-01-01',
          expiresAt: '2025-01-01',
          clicks: '5',
        }),
        record(3, { code: 'api', url: 'https://example.com' }),
        record(4, { code: 'loop', url: 'https://umbra.test/x' }),
        record(5, { code: 'blocked', url: 'https://www.evil.example/' }),
        record(6, { code: 'ok', url: 'https://other.example/' }),
        record(7, { code: 'ok', url: 'https://xn--bcher-kva.example/a' }),
        record(8, { code: null, url: 'https://example.com' }),
        record(9, { code: 'nourl' }),
        record(10, { code: 'pw', url: 'https://example.com', refusal: 'password-protected' }),
      ],
      { urlPolicy: policy, now },
    )
    expect(plan.candidates).toEqual([
      {
        line: 2,
        code: 'ok',
        url: 'https://xn--bcher-kva.example/a',
        title: 'T itle',
        topics: ['a'],
        createdAt: new Date('2020-01-01T00:00:00Z'),
        expiresAt: new Date('2025-01-01T00:00:00Z'),
        clicks: 5,
      },
    ])
    expect(plan.duplicates.map((d) => d.line)).toEqual([7])
    expect(plan.conflicts).toEqual([
      { line: 3, code: 'api', reason: 'code: "api" is reserved' },
      { line: 4, code: 'loop', reason: 'url: must not point at this shortener (redirect loop)' },
      { line: 5, code: 'blocked', reason: 'url: targets on evil.example are not allowed' },
      { line: 6, code: 'ok', reason: 'code: already used at line 2 of this file, for another target' },
      { line: 8, code: null, reason: 'code: missing' },
      { line: 9, code: 'nourl', reason: 'url: missing' },
      { line: 10, code: 'pw', reason: 'password-protected' },
    ])
    expect(plan.warnings.map((w) => [w.line, w.message])).toEqual([
      [2, 'tag "###": no usable topic in it, left out'],
      [2, 'expired on 2025-01-01T00:00:00.000Z: imported as expired (its short link answers 410)'],
    ])
  })

  it('with a domain, imports links on it and those whose export names none', () => {
    const plan = planRecords(
      [
        record(1, { code: 'here', domain: 'umbra.test', url: 'https://e.example/1' }),
        record(2, { code: 'there', domain: 'bit.ly', url: 'https://e.example/2' }),
        record(3, { code: 'unknown', url: 'https://e.example/3' }),
      ],
      { urlPolicy: policy, domain: 'umbra.test', now },
    )
    expect(plan.candidates.map((c) => c.code)).toEqual(['here', 'unknown'])
    expect(plan.conflicts).toEqual([
      { line: 2, code: 'there', reason: 'on domain bit.ly: only links on umbra.test are imported' },
    ])
  })

  it('cuts long titles and keeps 20 topics at most, saying so', () => {
    const tags = Array.from({ length: 25 }, (_, i) => `t${i}`)
    const plan = planRecords([record(1, { code: 'many', url: 'https://e.example/', title: 'x'.repeat(400), tags })], {
      urlPolicy: policy,
      now,
    })
    expect(plan.candidates[0].title).toHaveLength(300)
    expect(plan.candidates[0].topics).toHaveLength(20)
    expect(plan.warnings.map((w) => w.message)).toEqual([
      'title: cut to 300 characters',
      'tags: only the first 20 are kept as topics',
    ])
  })
})

describe('--domain', () => {
  // This server: PUBLIC_URL's host umbra.test (stored ''), and go.brand.test served besides.
  const served = (host: string) => (host === 'umbra.test' ? '' : host === 'go.brand.test' ? host : null)
  it.each([
    [undefined, null],
    ['', null],
    ['umbra.test', { host: 'umbra.test', stored: '' }],
    ['UMBRA.test.', { host: 'umbra.test', stored: '' }],
    ['go.brand.test', { host: 'go.brand.test', stored: 'go.brand.test' }],
  ])('%j → %j', (domain, result) => {
    expect(checkImportDomain(domain, served)).toEqual(result)
  })

  it('refuses a domain this server does not serve', () => {
    expect(() => checkImportDomain('bit.ly', served)).toThrow(
      '"bit.ly" is not a domain this server serves: add it first (POST /api/v1/domains or DOMAINS)',
    )
  })
})
