import { describe, expect, it } from 'vitest'
import { createClickReferences, withClickReference } from './click-reference.ts'
import { buildConversionReport, type ConversionRow, tallyConversions } from './conversion-tally.ts'

describe('withClickReference', () => {
  it.each([
    ['https://a.example/p', 'https://a.example/p?umb_click=R'],
    ['https://a.example/p?x=1', 'https://a.example/p?x=1&umb_click=R'],
    ['https://a.example/p?', 'https://a.example/p?umb_click=R'],
    ['https://a.example/p?x=1&', 'https://a.example/p?x=1&umb_click=R'],
    ['https://a.example/p#top', 'https://a.example/p?umb_click=R#top'],
    ['https://a.example/p?x=1#umb=abc', 'https://a.example/p?x=1&umb_click=R#umb=abc'],
    ['https://a.example/p?q=a#b?c', 'https://a.example/p?q=a&umb_click=R#b?c'],
  ])('%s → %s', (url, expected) => expect(withClickReference(url, 'umb_click', 'R')).toBe(expected))
})

describe('click references', () => {
  const refs = createClickReferences(Buffer.from('k'.repeat(64)))

  it.each([
    [0, 0],
    [2 ** 32 + 7, 1_767_225_600_123],
    [2 ** 53 - 1, 4_000_000_000_000],
  ])('round-trips click %i at %i', (id, at) => {
    const ref = refs.encode(id, at)
    expect(ref).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(refs.decode(ref)).toEqual({ clickId: BigInt(id).toString(), second: Math.floor(at / 1000) })
  })

  it('looks unrelated for consecutive clicks, and refuses what it did not issue', () => {
    const a = refs.encode(1000, 0)
    const b = refs.encode(1001, 0)
    expect([...a].filter((c, i) => c === b[i]).length).toBeLessThan(8)
    expect(createClickReferences(Buffer.from('x'.repeat(64))).decode(a)).toBeNull()
    expect(refs.decode('')).toBeNull()
    expect(refs.decode(`${a}A`)).toBeNull()
    expect(refs.decode('A'.repeat(22))).toBeNull()
  })
})

const row = (o: Partial<ConversionRow>): ConversionRow => ({
  event: 'sale',
  currency: null,
  medium: null,
  app: null,
  visibility: null,
  channel: null,
  topics: [],
  conversions: 1,
  value: null,
  ...o,
})

describe('conversion tallies', () => {
  const rows = [
    row({
      currency: 'EUR',
      value: 30.1,
      medium: 'in_app',
      app: 'instagram',
      visibility: 'dark',
      channel: 'whatsapp',
      topics: ['a'],
    }),
    row({
      currency: 'EUR',
      value: 10.2,
      medium: 'social',
      app: 'facebook',
      visibility: 'public',
      channel: 'facebook',
      topics: ['a', 'b'],
    }),
    row({ event: 'lead', conversions: 2, medium: 'direct', visibility: 'dark', channel: 'whatsapp' }),
    row({ currency: 'USD', value: 5, medium: 'direct', visibility: 'dark', channel: 'email' }),
  ]

  it("sums a link's conversions by event, currency, medium and app", () =>
    expect(tallyConversions(rows)).toEqual({
      total: 5,
      byEvent: { sale: 3, lead: 2 },
      value: { EUR: 40.3, USD: 5 },
      byMedium: { in_app: 1, social: 1, direct: 3 },
      byApp: { instagram: 1, facebook: 1, none: 3 },
    }))

  it('reports the dark share of conversions and revenue, and the rate per channel', () => {
    const report = buildConversionReport({
      fromMs: 0,
      toMs: 1000,
      rows,
      clicksByChannel: [
        { channel: 'whatsapp', clicks: 30 },
        { channel: 'sms', clicks: 4 },
      ],
    })
    expect(report.dark).toEqual({
      conversions: 4,
      share: 0.8,
      value: { EUR: 30.1, USD: 5 },
      valueShare: { EUR: 0.7469, USD: 1 },
    })
    expect(report.byChannel).toEqual([
      { channel: 'whatsapp', clicks: 30, conversions: 3, rate: 0.1, value: { EUR: 30.1 } },
      { channel: 'facebook', clicks: 0, conversions: 1, rate: null, value: { EUR: 10.2 } },
      { channel: 'email', clicks: 0, conversions: 1, rate: null, value: { USD: 5 } },
      { channel: 'sms', clicks: 4, conversions: 0, rate: 0, value: {} },
    ])
    expect(report.byTopic).toEqual([
      { topic: 'a', conversions: 2, value: { EUR: 40.3 } },
      { topic: 'b', conversions: 1, value: { EUR: 10.2 } },
    ])
  })
})
