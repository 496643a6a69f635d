import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { COMMON_PASSWORDS, COMMON_WORDS } from './common-passwords.ts'

export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 200

// scrypt with N = 2^15, r = 8: 32 MiB and tens of milliseconds per guess, on libuv's thread pool (the event
// loop never waits on it). The parameters are stored with each hash, so they can be raised later.
const COST_LOG2 = 15
const BLOCK = 8
const PARALLEL = 1
const KEY_BYTES = 32

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

const optionsFor = (costLog2: number, r: number, p: number): ScryptOptions => ({
  N: 2 ** costLog2,
  r,
  p,
  maxmem: 2 ** costLog2 * r * 128 * 2,
})

/** `scrypt$15$8$1$<salt>$<hash>`, base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, optionsFor(COST_LOG2, BLOCK, PARALLEL))
  return ['scrypt', COST_LOG2, BLOCK, PARALLEL, salt.toString('base64url'), key.toString('base64url')].join('$')
}

// Checked when no account matches, so an unknown email costs as much time as a wrong password.
let dummyHash: Promise<string> | null = null
const dummy = () => {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  return dummyHash
}

/** Whether `password` matches `stored` (constant-time compare); a null or malformed hash never matches. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? (await dummy())).split('$')
  const [scheme, cost, r, p, salt, hash] = parts
  if (parts.length !== 6 || scheme !== 'scrypt') return false
  const expected = Buffer.from(hash, 'base64url')
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), optionsFor(+cost, +r, +p))
  return stored !== null && actual.length === expected.length && timingSafeEqual(actual, expected)
}

/** Why a new password is refused, or null: its length, or being one of the commonest passwords. */
export function passwordWeakness(password: string, email?: string): string | null {
  if ([...password].length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`
  if ([...password].length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`
  const lower = password.toLowerCase()
  const core = lower.replace(/[^\p{L}]/gu, '')
  if (COMMON_PASSWORDS.has(lower) || COMMON_WORDS.has(core) || core.length === 0 || /^(.)\1+$/su.test(core))
    return 'is one of the most common passwords; choose another'
  if (
    email &&
    core.length > 0 &&
    core ===
      email
        .toLowerCase()
        .split('@')[0]
        .replace(/[^\p{L}]/gu, '')
  )
    return 'must not be your email address'
  return null
}
