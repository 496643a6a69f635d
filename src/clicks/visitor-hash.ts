import { hash, randomBytes } from 'node:crypto'
import type { Pool } from '../infra/database.ts'
import { sipAbsorb, sipHash52, sipInit, type SipState } from './siphash.ts'

const DAY_MS = 86_400_000

/** How a day's visitors are hashed: its salt row says (migration 012); days salted before SipHash keep SHA-256. */
type Scheme = 'siphash-2-4' | 'sha256'
type DaySalt = { scheme: Scheme; salt: Buffer; hex: string }

/**
 * What hashing a visitor of one user agent on one day needs before the IP: the keyed SipHash state after
 * "user agent \n" (SHA-256 days: the salt and user agent). Capture keeps it with the memoised verdict.
 */
export type VisitorPrefix = { day: number; sip: SipState | null; saltHex: string; userAgent: string }

export type VisitorHasher = Awaited<ReturnType<typeof createVisitorHasher>>

/**
 * Hashes IP + user agent with a key that changes every UTC day and is shared by all instances
 * (table visitor_salts), so a visitor is countable for a day and unlinkable after; the IP is never kept.
 * SipHash-2-4 keyed with the day's secret salt over "user agent \n IP", truncated to 52 bits so it stays
 * a plain JS number: at a million visitors a link a day two of them share a hash about once in 10,000
 * days. The state after the user agent is reused for every click of that user agent on that day, so a
 * click costs the few bytes of its IP. Days whose salt predates SipHash (made by an older version) keep
 * SHA-256 of salt ‖ IP ‖ \n ‖ user agent, so nobody is counted twice on the day of an upgrade.
 */
export async function createVisitorHasher(pool: Pick<Pool, 'query'>, log: { warn: (o: object, m: string) => void }) {
  const salts = new Map<number, DaySalt>()

  const remember = (day: number, scheme: Scheme, salt: Buffer): DaySalt => {
    const daySalt = { scheme, salt, hex: salt.toString('hex') }
    salts.set(day, daySalt)
    return daySalt
  }
  const loadSalt = async (day: number) => {
    const date = new Date(day * DAY_MS).toISOString().slice(0, 10)
    const { rows } = await pool.query(
      `with made as (insert into visitor_salts (day, salt) values ($1, $2) on conflict (day) do nothing returning salt, scheme)
       select salt, scheme from made union all select salt, scheme from visitor_salts where day = $1 limit 1`,
      [date, randomBytes(32)],
    )
    remember(day, rows[0].scheme, Buffer.from(rows[0].salt))
    for (const d of salts.keys()) if (d < day - 1) salts.delete(d)
  }
  /** Today's and tomorrow's salts are fetched ahead; old salts are deleted so old hashes cannot be recomputed. */
  const refresh = async () => {
    const today = Math.floor(Date.now() / DAY_MS)
    try {
      for (const day of [today, today + 1]) if (!salts.has(day)) await loadSalt(day)
      await pool.query(`delete from visitor_salts where day < current_date - 1`)
    } catch (err) {
      log.warn({ err }, 'could not refresh visitor salts; using a local one for now')
    }
  }
  await refresh()

  // Database unreachable at rollover: a local salt keeps counting, at worst splitting a visitor in two.
  const saltOf = (day: number): DaySalt => salts.get(day) ?? remember(day, 'siphash-2-4', randomBytes(32))

  /** The prefix for this user agent on the day of `at`; `reuse` (one made earlier for it) when it is of that day. */
  function prefix(userAgent: string, at: number, reuse: VisitorPrefix | null = null): VisitorPrefix {
    const day = Math.floor(at / DAY_MS)
    if (reuse !== null && reuse.day === day) return reuse
    const salt = saltOf(day)
    if (salt.scheme === 'sha256') return { day, sip: null, saltHex: salt.hex, userAgent }
    const sip = sipInit(salt.salt)
    sipAbsorb(sip, `${userAgent}\n`)
    return { day, sip, saltHex: '', userAgent }
  }

  /** A 52-bit hash, a safe integer. */
  function finish(p: VisitorPrefix, ip: string): number {
    if (p.sip !== null) return sipHash52(p.sip, ip)
    return parseInt(hash('sha256', `${p.saltHex}${ip}\n${p.userAgent}`, 'hex').slice(0, 13), 16)
  }

  return {
    refresh,
    prefix,
    finish,
  }
}
