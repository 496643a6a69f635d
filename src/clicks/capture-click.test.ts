import { describe, expect, it } from 'vitest'
import { createClickCapture, type CaptureRequest } from './capture-click.ts'
import { createClickClassifier } from './classify/create-click-classifier.ts'
import type { DescribedClassification } from './classify/classification.ts'
import { decodeClickLine } from './click-line.ts'
import type { ClickRecord, LossReason } from './click-record.ts'

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const INSTAGRAM =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 327.0.0.37.105 (iPhone14,5; iOS 17_4; en_US; en; scale=3.00; 1170x2532; 589123456)'
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

function setup(honorDnt = false) {
  const lines: { click: ClickRecord; linkId: string; at: number; visitor: number | null; label: DescribedClassification }[] = []
  const losses: { linkId: string; reason: LossReason }[] = []
  let id = 100
  const capture = createClickCapture({
    classify: createClickClassifier({ ownHosts: ['u.example'] }),
    // A stand-in that shows what went into the hash.
    hashVisitor: (ip, ua, at) => (ip.length * 1_000 + ua.length) * 10 + (at > 0 ? 1 : 0),
    mintId: () => id++,
    recordLine: (line, linkId, at, visitor, label) => {
      expect(line.endsWith('\n')).toBe(true)
      lines.push({ click: decodeClickLine(line.slice(0, -1))!, linkId, at, visitor, label })
    },
    recordLoss: (linkId, _at, reason) => losses.push({ linkId, reason }),
    honorDnt,
  })
  return { capture, lines, losses }
}

const request = (r: Partial<CaptureRequest>): CaptureRequest => ({
  method: 'GET', ip: '203.0.113.9', userAgent: CHROME, referer: undefined, requestedWith: undefined, acceptLanguage: undefined,
  purpose: undefined, optsOut: false, country: undefined, ...r,
})

describe('capturing a click as its COPY line', () => {
  const cases: [string, Partial<CaptureRequest>, Partial<ClickRecord>][] = [
    ['a browser with no referrer: direct, dark', {}, { kind: 'human', medium: 'direct', visibility: 'dark', referrer: null, userAgent: CHROME, browser: 'Chrome', os: 'Windows', device: 'desktop' }],
    ['an in-app browser', { userAgent: INSTAGRAM }, { kind: 'human', medium: 'in_app', app: 'instagram', visibility: 'dark', device: 'mobile' }],
    ['webmail referrer', { referer: 'https://mail.google.com/' }, { medium: 'email', app: 'gmail', visibility: 'dark', referrer: 'https://mail.google.com/' }],
    ['a crawler: no visitor, no device', { userAgent: GOOGLEBOT }, { kind: 'bot', visitor: null, browser: 'unknown', device: 'bot' }],
    ['X-Requested-With kept', { userAgent: `${CHROME}; wv`, requestedWith: 'com.whatsapp' }, { requestedWith: 'com.whatsapp', app: 'whatsapp' }],
    ['first language tag', { acceptLanguage: 'fr-CH, fr;q=0.9' }, { language: 'fr-ch' }],
    ['a language that is not a tag', { acceptLanguage: '*' }, { language: null }],
    ['a country code, upper-cased', { country: 'ch' }, { country: 'CH' }],
    ['a country header that is not a code', { country: 'Switzerland' }, { country: null }],
    ['tabs, newlines and backslashes in headers survive the line', { referer: 'https://t.co/a\tb\\c', userAgent: 'odd\tagent\\' }, { referrer: 'https://t.co/a\tb\\c', userAgent: 'odd\tagent\\' }],
    ['no user agent', { userAgent: undefined }, { userAgent: null }],
    ['a user agent cut at 512 characters', { userAgent: `${CHROME} ${'x'.repeat(600)}` }, { userAgent: `${CHROME} ${'x'.repeat(600)}`.slice(0, 512) }],
  ]
  it.each(cases)('%s', (_, r, expected) => {
    const { capture, lines, losses } = setup()
    capture(request(r), '42')
    expect(losses).toEqual([])
    expect(lines).toHaveLength(1)
    const [{ click, linkId, visitor, label }] = lines
    expect(click).toMatchObject({ id: 100, linkId: '42', ...expected })
    expect(linkId).toBe('42')
    expect(visitor).toBe(click.visitor)
    expect(label).toMatchObject({ kind: click.kind, medium: click.medium, app: click.app, visibility: click.visibility })
  })

  it('hashes humans only, from the IP and the whole user agent, unless they opt out and DNT is honoured', () => {
    const { capture, lines } = setup(true)
    capture(request({}), '1')
    capture(request({ optsOut: true }), '1')
    expect(lines.map((l) => l.click.visitor)).toEqual([(11 * 1_000 + CHROME.length) * 10 + 1, null])
    const notHonoured = setup(false)
    notHonoured.capture(request({ optsOut: true }), '1')
    expect(notHonoured.lines[0].click.visitor).not.toBeNull()
  })

  it('records HEAD and prefetches as losses, not clicks', () => {
    const { capture, lines, losses } = setup()
    capture(request({ method: 'HEAD' }), '7')
    capture(request({ purpose: 'prefetch;prerender' }), '7')
    capture(request({ purpose: 'prerender' }), '7')
    expect(losses).toEqual([{ linkId: '7', reason: 'head' }, { linkId: '7', reason: 'prefetch' }])
    expect(lines).toHaveLength(1)
  })

  it('a repeated user agent reuses its verdict, and another referrer gets its own', () => {
    const { capture, lines } = setup()
    capture(request({}), '1')
    capture(request({ ip: '198.51.100.7' }), '2')
    capture(request({ referer: 'https://www.google.com/' }), '1')
    expect(lines[1].label).toBe(lines[0].label)
    expect(lines[1].click).toMatchObject({ id: 101, linkId: '2', medium: 'direct' })
    expect(lines[1].click.visitor).not.toBe(lines[0].click.visitor)
    expect(lines[2].click).toMatchObject({ medium: 'search', visibility: 'public', referrer: 'https://www.google.com/' })
  })
})
