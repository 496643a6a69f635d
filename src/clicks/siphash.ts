/**
 * SipHash-2-4 (Aumasson & Bernstein), a keyed pseudo-random function for short inputs, in 32-bit halves
 * because JavaScript has no 64-bit integers. Its state after a prefix can be kept and finished with
 * different suffixes: the visitor hash keeps it per user agent and day, so a click hashes only its IP
 * (~0.1 µs, against ~0.6 µs for a native SHA-256 call of the whole input).
 *
 * Strings are read as Latin-1 bytes (char code & 0xff): header values are Latin-1 strings in Node.
 */

/** v0..v3 as (low, high) pairs, then the pending partial word (low, high), then the bytes absorbed so far. */
export type SipState = Int32Array

const WORDS = 11
const scratch = new Int32Array(WORDS)
const digest = new Uint32Array(2)

/** The state for a 16-byte key (two little-endian 64-bit words k0, k1). */
export function sipInit(key: Uint8Array): SipState {
  if (key.length < 16) throw new Error('a SipHash key has 16 bytes')
  const word = (at: number) => key[at] | (key[at + 1] << 8) | (key[at + 2] << 16) | (key[at + 3] << 24)
  const [k0l, k0h, k1l, k1h] = [word(0), word(4), word(8), word(12)]
  // "somepseudorandomlygeneratedbytes", as the specification's initial constants.
  return Int32Array.of(
    k0l ^ 0x70736575,
    k0h ^ 0x736f6d65,
    k1l ^ 0x6e646f6d,
    k1h ^ 0x646f7261,
    k0l ^ 0x6e657261,
    k0h ^ 0x6c796765,
    k1l ^ 0x79746573,
    k1h ^ 0x74656462,
    0,
    0,
    0,
  )
}

/** `rounds` SipRounds over v0..v3 of the state, in place. Each 64-bit add carries from the low half. */
function sipRounds(st: SipState, rounds: number): void {
  let v0l = st[0]
  let v0h = st[1]
  let v1l = st[2]
  let v1h = st[3]
  let v2l = st[4]
  let v2h = st[5]
  let v3l = st[6]
  let v3h = st[7]
  let l: number
  let h: number
  for (let r = 0; r < rounds; r++) {
    // v0 += v1; v1 = rotl(v1, 13) ^ v0; v0 = rotl(v0, 32)
    l = (v0l + v1l) | 0
    v0h = (v0h + v1h + (l >>> 0 < v0l >>> 0 ? 1 : 0)) | 0
    v0l = l
    h = (v1h << 13) | (v1l >>> 19)
    l = (v1l << 13) | (v1h >>> 19)
    v1h = h ^ v0h
    v1l = l ^ v0l
    h = v0l
    v0l = v0h
    v0h = h
    // v2 += v3; v3 = rotl(v3, 16) ^ v2
    l = (v2l + v3l) | 0
    v2h = (v2h + v3h + (l >>> 0 < v2l >>> 0 ? 1 : 0)) | 0
    v2l = l
    h = (v3h << 16) | (v3l >>> 16)
    l = (v3l << 16) | (v3h >>> 16)
    v3h = h ^ v2h
    v3l = l ^ v2l
    // v0 += v3; v3 = rotl(v3, 21) ^ v0
    l = (v0l + v3l) | 0
    v0h = (v0h + v3h + (l >>> 0 < v0l >>> 0 ? 1 : 0)) | 0
    v0l = l
    h = (v3h << 21) | (v3l >>> 11)
    l = (v3l << 21) | (v3h >>> 11)
    v3h = h ^ v0h
    v3l = l ^ v0l
    // v2 += v1; v1 = rotl(v1, 17) ^ v2; v2 = rotl(v2, 32)
    l = (v2l + v1l) | 0
    v2h = (v2h + v1h + (l >>> 0 < v2l >>> 0 ? 1 : 0)) | 0
    v2l = l
    h = (v1h << 17) | (v1l >>> 15)
    l = (v1l << 17) | (v1h >>> 15)
    v1h = h ^ v2h
    v1l = l ^ v2l
    h = v2l
    v2l = v2h
    v2h = h
  }
  st[0] = v0l
  st[1] = v0h
  st[2] = v1l
  st[3] = v1h
  st[4] = v2l
  st[5] = v2h
  st[6] = v3l
  st[7] = v3h
}

/** Compresses one 64-bit message word (low, high) into the state: two rounds, as in SipHash-2-4. */
function compress(st: SipState, ml: number, mh: number): void {
  st[6] ^= ml
  st[7] ^= mh
  sipRounds(st, 2)
  st[0] ^= ml
  st[1] ^= mh
}

/** Absorbs a string's bytes into the state (in place). */
export function sipAbsorb(st: SipState, s: string): void {
  let ml = st[8]
  let mh = st[9]
  let n = st[10]
  for (let i = 0; i < s.length; i++) {
    const at = n & 7
    if (at < 4) ml |= (s.charCodeAt(i) & 0xff) << (at << 3)
    else mh |= (s.charCodeAt(i) & 0xff) << ((at - 4) << 3)
    if (at === 7) {
      compress(st, ml, mh)
      ml = 0
      mh = 0
    }
    n++
  }
  st[8] = ml
  st[9] = mh
  st[10] = n
}

/** The 64-bit SipHash-2-4 of everything absorbed into `digest` (low, high): the state is finished in place. */
function finish(st: SipState): void {
  // The last word carries the input length (mod 256) in its top byte; then v2 ^= 0xff and four rounds.
  compress(st, st[8], st[9] | ((st[10] & 0xff) << 24))
  st[4] ^= 0xff
  sipRounds(st, 4)
  digest[0] = st[0] ^ st[2] ^ st[4] ^ st[6]
  digest[1] = st[1] ^ st[3] ^ st[5] ^ st[7]
}

/** SipHash-2-4 over prefix ‖ suffix as [low, high] 32-bit words; `prefix` is not changed. */
export function sipHash64(prefix: SipState, suffix: string): [number, number] {
  scratch.set(prefix)
  sipAbsorb(scratch, suffix)
  finish(scratch)
  return [digest[0], digest[1]]
}

/** The low 52 bits of SipHash-2-4 over prefix ‖ suffix, as a safe integer (no allocation); `prefix` is not changed. */
export function sipHash52(prefix: SipState, suffix: string): number {
  scratch.set(prefix)
  sipAbsorb(scratch, suffix)
  finish(scratch)
  return (digest[1] & 0xfffff) * 4294967296 + digest[0]
}
