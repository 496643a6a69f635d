import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkTargetUrl, MAX_URL_LENGTH, type UrlPolicy } from './url-policy.ts'

const policy: UrlPolicy = {
  ownHosts: ['umbra.test', 'short.example:8443'],
  blockedDomains: ['blocked.example', 'xn--bcher-kva.example'],
}
// biome-ignore lint/suspicious/noControlCharactersInRegex: the property's own oracle of what url-policy.ts refuses
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
const webUrl = fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true, withFragments: true })
const controlChar = fc
  .oneof(
    fc.integer({ min: 0, max: 0x1f }),
    fc.integer({ min: 0x7f, max: 0x9f }),
    fc.integer({ min: 0x202a, max: 0x202e }),
  )
  .map((c) => String.fromCharCode(c))

describe('URL policy (properties)', () => {
  it('never throws, whatever the string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (s) => void checkTargetUrl(s, policy)),
      { numRuns: 2000 },
    )
  })

  it('only ever accepts absolute http(s) URLs without credentials, control characters, loops or blocked hosts', () => {
    const candidates = fc.oneof(
      webUrl,
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      webUrl.map((u) => u.replace('://', '://user:pw@')),
    )
    fc.assert(
      fc.property(candidates, (raw) => {
        const verdict = checkTargetUrl(raw, policy)
        if (!verdict.ok) return
        const url = new URL(verdict.url)
        expect(['http:', 'https:']).toContain(url.protocol)
        expect(url.username + url.password).toBe('')
        expect(verdict.url.length).toBeLessThanOrEqual(MAX_URL_LENGTH)
        expect(FORBIDDEN.test(verdict.url)).toBe(false)
        expect(policy.ownHosts).not.toContain(url.host)
        expect(policy.blockedDomains.some((d) => url.hostname === d || url.hostname.endsWith(`.${d}`))).toBe(false)
      }),
      { numRuns: 3000 },
    )
  })

  it('accepts any well-formed http(s) URL within the length limit, and is idempotent on what it returns', () => {
    fc.assert(
      fc.property(webUrl, (raw) => {
        fc.pre(raw.length <= MAX_URL_LENGTH)
        const verdict = checkTargetUrl(raw, policy)
        expect(verdict).toMatchObject({ ok: true })
        if (verdict.ok) expect(checkTargetUrl(verdict.url, policy)).toEqual(verdict)
      }),
      { numRuns: 2000 },
    )
  })

  it('refuses a valid URL once a control or bidi character is slipped in anywhere', () => {
    fc.assert(
      fc.property(webUrl, controlChar, fc.nat(), (raw, c, at) => {
        const i = at % (raw.length + 1)
        expect(checkTargetUrl(raw.slice(0, i) + c + raw.slice(i), policy).ok).toBe(false)
      }),
    )
  })

  it('refuses every other scheme, in any letter case', () => {
    const scheme = fc.constantFrom(
      'javascript',
      'data',
      'file',
      'ftp',
      'vbscript',
      'blob',
      'about',
      'chrome',
      'ws',
      'mailto',
      'httpx',
      'http2',
    )
    const mixedCase = fc
      .tuple(scheme, fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }))
      .map(([s, up]) => [...s].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join(''))
    fc.assert(
      fc.property(mixedCase, fc.string({ maxLength: 100 }), (s, rest) => {
        expect(checkTargetUrl(`${s}:${rest}`, policy).ok).toBe(false)
      }),
    )
  })

  it('refuses a blocked domain and all its subdomains, and our own host', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/)
    fc.assert(
      fc.property(
        fc.array(label, { maxLength: 4 }),
        fc.constantFrom('blocked.example', 'BLOCKED.example', 'bücher.example', 'umbra.test', 'short.example:8443'),
        (subs, base) => {
          const host = [...subs, base].join('.')
          const isOwn = base === 'umbra.test' || base === 'short.example:8443'
          fc.pre(!isOwn || subs.length === 0)
          expect(checkTargetUrl(`https://${host}/path`, policy).ok).toBe(false)
        },
      ),
    )
  })
})
