import { describe, expect, it } from 'vitest'
import { sipAbsorb, sipHash52, sipHash64, sipInit } from './siphash.ts'

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16))
const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes)
/** SipHash's output as its 8 little-endian bytes in hex, the way the specification and OpenSSL print it. */
const asHex = ([low, high]: [number, number]) => {
  const b = Buffer.alloc(8)
  b.writeUInt32LE(low, 0)
  b.writeUInt32LE(high, 4)
  return b.toString('hex')
}

// Expected values from OpenSSL (`openssl mac -macopt hexkey:<key> -macopt size:8 SIPHASH`), an independent
// implementation; the first four are also the specification's test vectors (key 00..0f, message 00..n-1).
const VECTORS: [key: string, message: string, digest: string][] = [
  ['000102030405060708090a0b0c0d0e0f', '', '310e0edd47db6f72'],
  ['000102030405060708090a0b0c0d0e0f', '00', 'fd67dc93c539f874'],
  ['000102030405060708090a0b0c0d0e0f', '0001020304050607', '6224939a79f5f593'],
  ['000102030405060708090a0b0c0d0e0f', '000102030405060708090a0b0c0d0e', 'e545be4961ca29a1'],
  ['000102030405060708090a0b0c0d0e0f', '000102030405060708090a0b0c0d0e0f10111213141516', 'c8ce5ccd8c030ca8'],
  [
    '5c0ff33e00112233445566778899aabb',
    Buffer.from('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)\n203.0.113.7').toString('hex'),
    '389599912630b9e3',
  ],
  ['5c0ff33e00112233445566778899aabb', '436166e9205541' + '0a' + '3a3a31', '260491dbade2da2e'], // "Café UA\n::1" in Latin-1
]

describe('SipHash-2-4', () => {
  it.each(VECTORS)('key %s, message %s → %s', (key, message, digest) => {
    expect(asHex(sipHash64(sipInit(hexBytes(key)), latin1(hexBytes(message))))).toBe(digest)
  })

  it('gives the same digest however the input is split between prefix and suffix', () => {
    const [key, message, digest] = VECTORS[5]
    const text = latin1(hexBytes(message))
    for (let cut = 0; cut <= text.length; cut++) {
      const prefix = sipInit(hexBytes(key))
      sipAbsorb(prefix, text.slice(0, cut))
      expect(asHex(sipHash64(prefix, text.slice(cut))), `cut at ${cut}`).toBe(digest)
    }
  })

  it('leaves the prefix state untouched, so it can be finished again', () => {
    const prefix = sipInit(hexBytes(VECTORS[0][0]))
    sipAbsorb(prefix, 'Mozilla/5.0\n')
    const before = Int32Array.from(prefix)
    const first = sipHash52(prefix, '198.51.100.1')
    expect(sipHash52(prefix, '198.51.100.2')).not.toBe(first)
    expect(sipHash52(prefix, '198.51.100.1')).toBe(first)
    expect(prefix).toEqual(before)
  })

  it('keeps 52 bits, a safe integer: the low 32 bits and 20 of the high word', () => {
    const state = sipInit(hexBytes(VECTORS[5][0]))
    const text = latin1(hexBytes(VECTORS[5][1]))
    const [low, high] = sipHash64(state, text)
    const n = sipHash52(state, text)
    expect(Number.isSafeInteger(n)).toBe(true)
    expect(n).toBe((high & 0xfffff) * 2 ** 32 + low)
  })

  it('refuses a short key', () => {
    expect(() => sipInit(new Uint8Array(8))).toThrow(/16 bytes/)
  })
})
