import { hash, randomBytes } from 'node:crypto'
import type { Pool } from '../infra/database.ts'

const DAY_MS = 86_400_000

/**
 * Hashes IP + user agent with a salt that changes every UTC day and is shared by all instances
 * (table visitor_salts), so a visitor is countable for a day and unlinkable after; the IP is never kept.
 * SHA-256 over secret salt ‖ ip ‖ ua, one-shot (crypto.hash: no Hash object, no Buffer), truncated to
 * 52 bits so it stays a plain JS number: ~3× cheaper than a streamed createHash with a BigInt, and at
 * a million visitors a link a day two of them share a hash about once in 10,000 days.
 */
export async function createVisitorHasher(pool: Pick<Pool, 'query'>, log: { warn: (o: object, m: string) => void }) {
  // Hex, so the hash input is one string concatenation.
  const salts = new Map<number, string>()

  const loadSalt = async (day: number) => {
    const date = new Date(day * DAY_MS).toISOString().slice(0, 10)
    const { rows } = await pool.query(
      `with made as (insert into visitor_salts (day, salt) values ($1, $2) on conflict (day) do nothing returning salt)
       select salt from made union all select salt from visitor_salts where day = $1 limit 1`,
      [date, randomBytes(32)],
    )
    salts.set(day, Buffer.from(rows[0].salt).toString('hex'))
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

  return {
    refresh,
    /** A 52-bit hash, a safe integer. */
    hash(ip: string, userAgent: string, at: number): number {
      const day = Math.floor(at / DAY_MS)
      let salt = salts.get(day)
      if (!salt) {
        // Database unreachable at rollover: a local salt keeps counting, at worst splitting a visitor in two.
        salt = randomBytes(32).toString('hex')
        salts.set(day, salt)
      }
      return parseInt(hash('sha256', `${salt}${ip}\n${userAgent}`, 'hex').slice(0, 13), 16)
    },
  }
}
