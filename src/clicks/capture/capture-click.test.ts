import { describe, expect, it } from 'vitest'
import { createClickCapture } from './capture-click.ts'
import type { CaptureRequest } from './capture-request.ts'
import { createClickLabeler } from '../classify/create-click-classifier.ts'
import type { DescribedClassification } from '../classify/classification.ts'
import type { LossReason } from '../click-record.ts'
import { decodeClickRows, writeClickRow, MAX_CLICK_ROW_BYTES } from '../click-kind/click-row.ts'
import type { ClickVerdict } from '../verdicts/click-verdict.ts'

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const INSTAGRAM =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 327.0.0.37.105 (iPhone14,5; iOS 17_4; en_US; en; scale=3.00; 1170x2532; 589123456)'
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

/** What capture handed the writer for one click: the row it encodes (decoded back) and the verdict behind it. */
type Captured = {
  row: ReturnType<typeof decodeClickRows>['rows'][number]
  linkId: string
  verdict: ClickVerdict
  label: DescribedClassification
  /** The verdict's fields as its click_verdicts line carries them (\N for none). */
  line: string[]
}

function setup(honorDnt = false) {
  const captured: Captured[] = []
  const losses: { linkId: string; reason: LossReason }[] = []
  // Each prefix the hasher was asked for: the one capture handed back to reuse, and the one it got.
  const prefixes: { reuse: unknown; got: unknown }[] = []
  let id = 100
  const capture = createClickCapture({
    classify: createClickLabeler({ ownHosts: ['u.example'] }),
    // A stand-in that shows what went into the hash: the length of the IP and of the user agent.
    visitors: {
      prefix: (userAgent, at, reuse) => {
        const got = reuse ?? { day: Math.floor(at / 86_400_000), sip: Int32Array.of(userAgent.length) }
        prefixes.push({ reuse, got })
        return got
      },
      finish: (p, ip) => (ip.length * 1_000 + p.sip[0]) * 10 + 1,
    },
    mintId: () => id++,
    recordClick: (clickId, linkId, linkNumber, at, verdict, visitor, language, country) => {
      const buf = Buffer.alloc(MAX_CLICK_ROW_BYTES)
      const end = writeClickRow(
        buf,
        0,
        clickId,
        linkNumber,
        at,
        verdict.idHigh,
        verdict.idLow,
        visitor,
        language,
        country,
      )
      const { rows } = decodeClickRows(buf.subarray(0, end), 0)
      expect(rows).toHaveLength(1)
      captured.push({
        row: rows[0],
        linkId,
        verdict,
        label: verdict.label,
        line: verdict.line.slice(0, -1).split('\t'),
      })
    },
    recordLoss: (linkId, _at, reason) => losses.push({ linkId, reason }),
    honorDnt,
  })
  return { capture, captured, losses, prefixes }
}

const link = (id: number) => ({ id: String(id), numericId: id, routing: null })

const request = (r: Partial<CaptureRequest>): CaptureRequest => ({
  method: 'GET',
  ip: '203.0.113.9',
  userAgent: CHROME,
  referer: undefined,
  requestedWith: undefined,
  acceptLanguage: undefined,
  purpose: undefined,
  optsOut: false,
  country: undefined,
  region: undefined,
  city: undefined,
  ...r,
})

// The verdict line's fields, by column (VERDICT_COLUMNS): id, user_agent, referrer, requested_with, kind, medium, app, visibility, browser, os, device.
const field = (c: Captured, name: 'user_agent' | 'referrer' | 'requested_with') => {
  const v = c.line[{ user_agent: 1, referrer: 2, requested_with: 3 }[name]]
  return v === '\\N' ? null : v.replace(/\\(.)/g, (_, ch: string) => ({ t: '\t', n: '\n', r: '\r' })[ch] ?? ch)
}

describe('capturing a click as its row and verdict', () => {
  const cases: [
    string,
    Partial<CaptureRequest>,
    Partial<DescribedClassification>,
    Partial<Record<'user_agent' | 'referrer' | 'requested_with', string | null>>,
    Partial<Captured['row']>,
  ][] = [
    [
      'a browser with no referrer: direct, dark',
      {},
      { kind: 'human', medium: 'direct', visibility: 'dark', browser: 'Chrome', os: 'Windows', device: 'desktop' },
      { referrer: null, user_agent: CHROME },
      {},
    ],
    [
      'an in-app browser',
      { userAgent: INSTAGRAM },
      { kind: 'human', medium: 'in_app', app: 'instagram', visibility: 'dark', device: 'mobile' },
      {},
      {},
    ],
    [
      'webmail referrer',
      { referer: 'https://mail.google.com/' },
      { medium: 'email', app: 'gmail', visibility: 'dark' },
      { referrer: 'https://mail.google.com/' },
      {},
    ],
    [
      'a crawler: no visitor, no device',
      { userAgent: GOOGLEBOT },
      { kind: 'bot', browser: 'unknown', device: 'bot' },
      {},
      { visitor: null },
    ],
    [
      'X-Requested-With kept',
      { userAgent: `${CHROME}; wv`, requestedWith: 'com.whatsapp' },
      { app: 'whatsapp' },
      { requested_with: 'com.whatsapp' },
      {},
    ],
    ['first language tag', { acceptLanguage: 'fr-CH, fr;q=0.9' }, {}, {}, { language: 'fr-ch' }],
    ['a language that is not a tag', { acceptLanguage: '*' }, {}, {}, { language: null }],
    [
      'a language tag longer than 35 characters',
      { acceptLanguage: `en-${'abcdefgh-'.repeat(4)}x` },
      {},
      {},
      { language: null },
    ],
    ['a country code, upper-cased', { country: 'ch' }, {}, {}, { country: 'CH' }],
    ['a country header that is not a code', { country: 'Switzerland' }, {}, {}, { country: null }],
    [
      'tabs, newlines and backslashes in headers survive the verdict line',
      { referer: 'https://t.co/a\tb\\c', userAgent: 'odd\tagent\\' },
      {},
      { referrer: 'https://t.co/a\tb\\c', user_agent: 'odd\tagent\\' },
      {},
    ],
    ['no user agent', { userAgent: undefined }, {}, { user_agent: null }, {}],
    [
      'a user agent cut at 512 characters',
      { userAgent: `${CHROME} ${'x'.repeat(600)}` },
      {},
      { user_agent: `${CHROME} ${'x'.repeat(600)}`.slice(0, 512) },
      {},
    ],
  ]
  it.each(cases)('%s', (_, r, label, fields, row) => {
    const { capture, captured, losses } = setup()
    capture(request(r), link(42))
    expect(losses).toEqual([])
    expect(captured).toHaveLength(1)
    const [c] = captured
    expect(c.row).toMatchObject({ id: 100, linkId: 42, verdictId: c.verdict.id, ...row })
    expect(c.linkId).toBe('42')
    expect(c.label).toMatchObject(label)
    for (const [name, value] of Object.entries(fields)) expect(field(c, name as keyof typeof fields)).toBe(value)
    expect(c.line.slice(4)).toEqual([
      c.label.kind,
      c.label.medium ?? '\\N',
      c.label.app ?? '\\N',
      c.label.visibility ?? '\\N',
      c.label.browser,
      c.label.os,
      c.label.device,
    ])
  })

  it('hashes humans only, from the IP and the whole user agent, unless they opt out and DNT is honoured', () => {
    const { capture, captured } = setup(true)
    capture(request({}), link(1))
    capture(request({ optsOut: true }), link(1))
    expect(captured.map((c) => c.row.visitor)).toEqual([(11 * 1_000 + CHROME.length) * 10 + 1, null])
    const notHonoured = setup(false)
    notHonoured.capture(request({ optsOut: true }), link(1))
    expect(notHonoured.captured[0].row.visitor).not.toBeNull()
  })

  it('records HEAD and prefetches as losses, not clicks', () => {
    const { capture, captured, losses } = setup()
    capture(request({ method: 'HEAD' }), link(7))
    capture(request({ purpose: 'prefetch;prerender' }), link(7))
    capture(request({ purpose: 'prerender' }), link(7))
    expect(losses).toEqual([
      { linkId: '7', reason: 'head' },
      { linkId: '7', reason: 'prefetch' },
    ])
    expect(captured).toHaveLength(1)
  })

  it('a repeated user agent reuses its verdict and its visitor hashing state, and another referrer gets its own verdict', () => {
    const { capture, captured, prefixes } = setup()
    capture(request({}), link(1))
    capture(request({ ip: '198.51.100.7' }), link(2))
    capture(request({ referer: 'https://www.google.com/' }), link(1))
    expect(captured[1].verdict).toBe(captured[0].verdict)
    expect(prefixes[0].reuse).toBeNull()
    expect(prefixes[1].reuse).toBe(prefixes[0].got)
    expect(captured[1].row).toMatchObject({ id: 101, linkId: 2 })
    expect(captured[1].row.visitor).not.toBe(captured[0].row.visitor)
    expect(captured[2].verdict).not.toBe(captured[0].verdict)
    expect(captured[2].label).toMatchObject({ medium: 'search', visibility: 'public' })
    expect(field(captured[2], 'referrer')).toBe('https://www.google.com/')
  })
})
