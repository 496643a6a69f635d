import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseKeyOrigin } from './key-origins.ts'

describe('publishable key origins (properties)', () => {
  it('returns only http(s) origins, unchanged by a second pass, and never throws', () => {
    const candidates = fc.oneof(
      fc.webUrl(),
      fc.webUrl().map((u) => new URL(u).origin),
      fc.string({ maxLength: 200 }),
    )
    fc.assert(
      fc.property(candidates, (raw) => {
        const origin = parseKeyOrigin(raw)
        if (origin === null) return
        const url = new URL(origin)
        expect(['http:', 'https:']).toContain(url.protocol)
        expect(url.origin).toBe(origin)
        expect(parseKeyOrigin(origin)).toBe(origin)
      }),
      { numRuns: 3000 },
    )
  })

  it('accepts any http(s) origin and refuses it with a path, query or credentials', () => {
    fc.assert(
      fc.property(fc.webUrl({ validSchemes: ['http', 'https'] }), fc.webPath({ size: 'small' }), (u, path) => {
        const origin = new URL(u).origin
        expect(parseKeyOrigin(origin)).toBe(origin)
        fc.pre(path.length > 1)
        expect(parseKeyOrigin(origin + path)).toBeNull()
        expect(parseKeyOrigin(`${origin}/?q=1`)).toBeNull()
        expect(parseKeyOrigin(origin.replace('://', '://user@'))).toBeNull()
      }),
    )
  })
})
