import { createHmac } from 'node:crypto'
import { sipAbsorb, sipHash52, sipInit, type SipState } from './siphash.ts'

const DAY_MS = 86_400_000

/**
 * What hashing a visitor of one user agent on one day needs before the IP: the keyed SipHash state after
 * "user agent \n". Capture keeps it with the memoised verdict.
 */
export type VisitorPrefix = { day: number; sip: SipState }

export type VisitorHasher = ReturnType<typeof createVisitorHasher>

/**
 * The SipHash key of a UTC day (days since the epoch): the first 16 bytes of
 * HMAC-SHA256(server secret, "visitor-hash:YYYY-MM-DD"). Derived, never stored: without the secret,
 * nothing in the database recomputes a day's hashes.
 */
export function visitorDayKey(secret: Uint8Array, day: number): Buffer {
  const date = new Date(day * DAY_MS).toISOString().slice(0, 10)
  return createHmac('sha256', secret).update(`visitor-hash:${date}`).digest().subarray(0, 16)
}

/**
 * Hashes IP + user agent with a key that changes every UTC day, derived from the server secret (so
 * instances sharing SECRET_KEY count a visitor alike), so a visitor is countable for a day and
 * unlinkable after; the IP is never kept. SipHash-2-4 over "user agent \n IP", truncated to 52 bits so
 * it stays a plain JS number: at a million visitors a link a day two of them share a hash about once in
 * 10,000 days. The state after the user agent is reused for every click of that user agent on that day,
 * so a click costs the few bytes of its IP. Only the newest day's key and the one before are held.
 */
export function createVisitorHasher(secret: Uint8Array) {
  const keys = new Map<number, Buffer>()

  const keyOf = (day: number): Buffer => {
    let key = keys.get(day)
    if (key === undefined) {
      key = visitorDayKey(secret, day)
      keys.set(day, key)
      const newest = Math.max(...keys.keys())
      for (const d of keys.keys()) if (d < newest - 1) keys.delete(d)
    }
    return key
  }

  /** The prefix for this user agent on the day of `at`; `reuse` (one made earlier for it) when it is of that day. */
  function prefix(userAgent: string, at: number, reuse: VisitorPrefix | null = null): VisitorPrefix {
    const day = Math.floor(at / DAY_MS)
    if (reuse !== null && reuse.day === day) return reuse
    const sip = sipInit(keyOf(day))
    sipAbsorb(sip, `${userAgent}\n`)
    return { day, sip }
  }

  /** A 52-bit hash, a safe integer. */
  const finish = (p: VisitorPrefix, ip: string): number => sipHash52(p.sip, ip)

  return {
    prefix,
    finish,
    /** The days whose keys are held in memory (at most the newest and the one before). */
    heldDays: () => [...keys.keys()].sort((a, b) => a - b),
  }
}
