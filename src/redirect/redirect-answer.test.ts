import { describe, expect, it } from 'vitest'
import type { DescribedClassification } from '../clicks/classify/classification.ts'
import type { ResolvedLink } from '../links/link-cache.ts'
import { compileRules } from '../links/link-rules.ts'
import type { LinkRouting } from '../links/link-routing.ts'
import { answerOf, fallbackOf, isLive, needsPassword } from './redirect-answer.ts'

// What both redirect paths answer a click once capture has labelled it: one function, a table of cases.
const label = (over: Partial<DescribedClassification>): DescribedClassification => ({
  kind: 'human',
  medium: 'direct',
  app: null,
  visibility: 'dark',
  reason: '',
  browser: 'Chrome',
  os: 'Windows',
  device: 'desktop',
  ...over,
})
const routing = (over: Partial<LinkRouting> = {}): LinkRouting => ({
  rules: compileRules([{ if: { device: 'ios' }, url: 'https://example.com/ios' }]),
  deepLinks: null,
  inAppEscape: false,
  passwordHash: null,
  maxClicks: null,
  humanClicks: 0,
  fallbackUrl: null,
  ...over,
})
const link = (r: LinkRouting | null, over: Partial<ResolvedLink> = {}): ResolvedLink => ({
  id: '1',
  numericId: 1,
  url: 'https://example.com/',
  expiresAtMs: null,
  disabled: false,
  routing: r,
  ...over,
})
const instagram = label({ medium: 'in_app', app: 'instagram', os: 'Android', device: 'mobile' })
const deepLinks = {
  ios: { url: 'myapp://x', fallbackUrl: 'https://apps.apple.com/app/id1' },
  android: { url: 'https://app.example.com/x', fallbackUrl: 'https://play.google.com/x' },
}

describe('answerOf', () => {
  it.each<[string, ResolvedLink, { label: DescribedClassification | null; rule: number }, string | RegExp]>([
    ['a plain link: its url', link(null), { label: null, rule: 0 }, 'https://example.com/'],
    ['the rule that answered', link(routing()), { label: label({ os: 'iOS' }), rule: 1 }, 'https://example.com/ios'],
    ['no rule: the url', link(routing()), { label: label({}), rule: 0 }, 'https://example.com/'],
    [
      'a HEAD of a routed link without labels: the url',
      link(routing()),
      { label: null, rule: 0 },
      'https://example.com/',
    ],
    ['in-app without escape: a redirect', link(routing()), { label: instagram, rule: 0 }, 'https://example.com/'],
    ['in-app with escape: the page', link(routing({ inAppEscape: true })), { label: instagram, rule: 0 }, /intent:/],
    [
      'escape wraps the rule that answered',
      link(routing({ inAppEscape: true })),
      { label: { ...instagram, os: 'iOS' }, rule: 1 },
      /x-safari-https:\/\/example\.com\/ios/,
    ],
    [
      'iOS app (custom scheme): the opener',
      link(routing({ deepLinks })),
      { label: label({ os: 'iOS' }), rule: 0 },
      /myapp:\/\/x/,
    ],
    [
      'Android app link (https): a redirect',
      link(routing({ deepLinks })),
      { label: label({ os: 'Android' }), rule: 0 },
      'https://app.example.com/x',
    ],
    [
      'a rule before the app',
      link(routing({ deepLinks })),
      { label: label({ os: 'iOS' }), rule: 1 },
      'https://example.com/ios',
    ],
    [
      'desktop ignores app targets',
      link(routing({ deepLinks })),
      { label: label({}), rule: 0 },
      'https://example.com/',
    ],
  ])('%s', (_, l, outcome, expected) => {
    const answer = answerOf(l, { ...outcome, clickId: null })
    if (typeof expected === 'string') expect(answer).toBe(expected)
    else {
      if (typeof answer === 'string') throw new Error(`expected a page, got a redirect to ${answer}`)
      expect(answer.html).toMatch(expected)
      expect(answer.csp).toMatch(/script-src 'sha256-/)
    }
  })
})

describe('live, fallback, password', () => {
  const past = Date.now() - 1_000
  it.each<[string, ResolvedLink, boolean, string | null]>([
    ['plain and live', link(null), true, null],
    ['expired, no fallback', link(null, { expiresAtMs: past }), false, null],
    [
      'expired with a fallback',
      link(routing({ fallbackUrl: 'https://f/' }), { expiresAtMs: past }),
      false,
      'https://f/',
    ],
    ['clicks left', link(routing({ maxClicks: 2, humanClicks: 1 })), true, null],
    ['clicks spent', link(routing({ maxClicks: 2, humanClicks: 2, fallbackUrl: 'https://f/' })), false, 'https://f/'],
    ['disabled: no fallback', link(routing({ fallbackUrl: 'https://f/' }), { disabled: true }), false, null],
  ])('%s', (_, l, live, fallback) => {
    expect(isLive(l, Date.now())).toBe(live)
    if (!live) expect(fallbackOf(l)).toBe(fallback)
  })
  it('needs a password only with a hash', () => {
    expect(needsPassword(link(routing({ passwordHash: 'scrypt$…' })))).toBe(true)
    expect(needsPassword(link(routing()))).toBe(false)
    expect(needsPassword(link(null))).toBe(false)
  })
})
