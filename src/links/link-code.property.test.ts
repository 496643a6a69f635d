import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CODE_ALPHABET,
  CUSTOM_CODE,
  customCodeProblem,
  generateRandomCode,
  RANDOM_CODE_LENGTH,
  RESERVED_CODES,
} from './link-code.ts'

describe('link codes (properties)', () => {
  it('draws random codes of the look-alike-free alphabet that are also valid, unreserved custom codes', () => {
    fc.assert(
      fc.property(fc.nat(), () => {
        const code = generateRandomCode()
        expect(code).toHaveLength(RANDOM_CODE_LENGTH)
        expect([...code].every((c) => CODE_ALPHABET.includes(c))).toBe(true)
        expect(customCodeProblem(code)).toBeNull()
      }),
      { numRuns: 5000 },
    )
  })

  it('does not repeat itself in 20,000 draws', () => {
    const codes = new Set(Array.from({ length: 20_000 }, generateRandomCode))
    expect(codes.size).toBe(20_000)
  })

  it('has no look-alike characters in its alphabet', () => {
    for (const c of '0O1lI2Z5S') expect(CODE_ALPHABET).not.toContain(c)
  })

  it('accepts every string of the alphabet of the random length (no reserved word can be drawn)', () => {
    const drawn = fc.string({
      unit: fc.constantFrom(...CODE_ALPHABET),
      minLength: RANDOM_CODE_LENGTH,
      maxLength: RANDOM_CODE_LENGTH,
    })
    fc.assert(
      fc.property(drawn, (code) => {
        expect(customCodeProblem(code)).toBeNull()
      }),
      { numRuns: 5000 },
    )
  })

  it('accepts a custom code exactly when it has the shape and is not reserved in any letter case', () => {
    const candidates = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/),
      fc.constantFrom(...RESERVED_CODES).map((r) => r.toUpperCase()),
    )
    fc.assert(
      fc.property(candidates, (code) => {
        const accepted = customCodeProblem(code) === null
        expect(accepted).toBe(CUSTOM_CODE.test(code) && !RESERVED_CODES.has(code.toLowerCase()))
      }),
      { numRuns: 5000 },
    )
  })
})
