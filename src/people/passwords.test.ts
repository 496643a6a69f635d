import { describe, expect, it } from 'vitest'
import { hashPassword, passwordWeakness, verifyPassword } from './passwords.ts'

describe('passwords', () => {
  it('hashes with scrypt and a salt of its own, and verifies only the same password', async () => {
    const a = await hashPassword('violet-harbour-lamp')
    const b = await hashPassword('violet-harbour-lamp')
    expect(a).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
    expect(a).not.toBe(b)
    expect(await verifyPassword('violet-harbour-lamp', a)).toBe(true)
    expect(await verifyPassword('violet-harbour-lamq', a)).toBe(false)
    expect(await verifyPassword('violet-harbour-lamp', null)).toBe(false)
    expect(await verifyPassword('violet-harbour-lamp', 'md5$abc')).toBe(false)
  })

  const cases: [string, string | null][] = [
    ['short', 'must be at least 10 characters'],
    ['password123', 'is one of the most common passwords; choose another'],
    ['Password2024!', 'is one of the most common passwords; choose another'],
    ['1234567890', 'is one of the most common passwords; choose another'],
    ['qwertyuiop', 'is one of the most common passwords; choose another'],
    ['zzzzzzzzzzzz', 'is one of the most common passwords; choose another'],
    ['marie.curie99', 'must not be your email address'],
    ['violet-harbour-lamp', null],
    ['x'.repeat(201), 'must be at most 200 characters'],
  ]
  it.each(cases)('%s → %s', (password, weakness) => {
    expect(passwordWeakness(password, 'marie.curie@lab.example')).toBe(weakness)
  })
})
