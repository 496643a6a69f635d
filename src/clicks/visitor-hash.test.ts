import { createHmac, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sipAbsorb, sipHash52, sipInit } from './siphash.ts'
import { createVisitorHasher, visitorDayKey, type VisitorHasher } from './visitor-hash.ts'

const DAY_MS = 86_400_000
const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)'
const SECRET = Buffer.from('a server secret of at least thirty-two characters')

/** One click's visitor hash. */
const hashOf = (hasher: VisitorHasher, ip: string, ua: string, at: number) => hasher.finish(hasher.prefix(ua, at), ip)

describe('visitor hashes', () => {
  it('are SipHash-2-4 of "user agent \\n IP" keyed with HMAC-SHA256(secret, "visitor-hash:<UTC day>"), first 16 bytes', () => {
    const hasher = createVisitorHasher(SECRET)
    const at = Date.UTC(2026, 11, 5, 13, 7)
    const key = createHmac('sha256', SECRET).update('visitor-hash:2026-12-05').digest().subarray(0, 16)
    expect(visitorDayKey(SECRET, Math.floor(at / DAY_MS))).toEqual(key)
    const state = sipInit(key)
    sipAbsorb(state, `${UA}\n`)
    expect(hashOf(hasher, '203.0.113.7', UA, at)).toBe(sipHash52(state, '203.0.113.7'))
  })

  it('agree between instances that share the secret, and differ under another secret', () => {
    const now = Date.now()
    const one = hashOf(createVisitorHasher(SECRET), '203.0.113.7', UA, now)
    expect(hashOf(createVisitorHasher(Buffer.from(SECRET)), '203.0.113.7', UA, now)).toBe(one)
    expect(hashOf(createVisitorHasher(randomBytes(32)), '203.0.113.7', UA, now)).not.toBe(one)
  })

  it('tell visitors apart by IP and by user agent within a day', () => {
    const hasher = createVisitorHasher(SECRET)
    const now = Date.now()
    const hashes = [
      hashOf(hasher, '203.0.113.7', UA, now),
      hashOf(hasher, '203.0.113.8', UA, now),
      hashOf(hasher, '203.0.113.7', `${UA} Safari`, now),
      hashOf(hasher, '2001:db8::7', UA, now),
    ]
    expect(new Set(hashes).size).toBe(hashes.length)
    expect(hashOf(hasher, '203.0.113.7', UA, now + 1)).toBe(hashes[0])
  })

  it("reuse a user agent's prefix within its day and make a new one the next day, where the same visitor hashes apart", () => {
    const hasher = createVisitorHasher(SECRET)
    const now = Date.now()
    const today = hasher.prefix(UA, now)
    expect(hasher.prefix(UA, now + 1, today)).toBe(today)
    const tomorrow = hasher.prefix(UA, now + DAY_MS, today)
    expect(tomorrow).not.toBe(today)
    expect(hasher.finish(tomorrow, '203.0.113.7')).not.toBe(hasher.finish(today, '203.0.113.7'))
    expect(Number.isSafeInteger(hasher.finish(tomorrow, '203.0.113.7'))).toBe(true)
  })

  it("hold only the newest day's key and the one before: a day is forgotten once the next has ended", () => {
    const hasher = createVisitorHasher(SECRET)
    const day = Math.floor(Date.now() / DAY_MS)
    const before = hashOf(hasher, '203.0.113.7', UA, day * DAY_MS)
    hashOf(hasher, '203.0.113.7', UA, (day + 1) * DAY_MS)
    expect(hasher.heldDays()).toEqual([day, day + 1])
    hashOf(hasher, '203.0.113.7', UA, (day + 2) * DAY_MS)
    expect(hasher.heldDays()).toEqual([day + 1, day + 2])
    // Derived again from the secret, a late click of a forgotten day still hashes as that day did.
    expect(hashOf(hasher, '203.0.113.7', UA, day * DAY_MS + 5)).toBe(before)
    expect(hasher.heldDays()).toEqual([day + 1, day + 2])
  })
})
