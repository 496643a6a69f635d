import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto'

const TWO_32 = 4294967296
// Bytes 12–15 of a reference are zero before encryption: anything else decrypts to a refusal.
const CHECK_AT = 12

/**
 * The click reference a conversion-tracking redirect adds to its target: the click's id and second,
 * encrypted as one AES block under a key derived from the server secret, in base64url (22 characters).
 * It looks random, names a click and nothing else (no person, no IP), cannot be forged or enumerated,
 * and leads back to its click (and so its labels) without a lookup table. One block through a reused
 * ECB cipher costs about a microsecond.
 */
export function createClickReferences(serverSecret: Buffer) {
  const key = createHmac('sha256', serverSecret).update('umbra click references v1').digest().subarray(0, 16)
  const cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false)
  const decipher = createDecipheriv('aes-128-ecb', key, null).setAutoPadding(false)
  const block = Buffer.alloc(16)

  return {
    /** The reference of click `id` made at `atMs`. */
    encode(id: number, atMs: number): string {
      const high = Math.floor(id / TWO_32)
      block.writeUInt32BE(high, 0)
      block.writeUInt32BE(id - high * TWO_32, 4)
      block.writeUInt32BE(Math.floor(atMs / 1000), 8)
      block.writeUInt32BE(0, CHECK_AT)
      return cipher.update(block).toString('base64url')
    },
    /** The click a reference names, or null for anything this server did not issue. */
    decode(reference: string): { clickId: string; second: number } | null {
      if (!/^[A-Za-z0-9_-]{22}$/.test(reference)) return null
      const plain = decipher.update(Buffer.from(reference, 'base64url'))
      if (plain.length !== 16 || plain.readUInt32BE(CHECK_AT) !== 0) return null
      const clickId = (BigInt(plain.readUInt32BE(0)) << 32n) | BigInt(plain.readUInt32BE(4))
      return { clickId: clickId.toString(), second: plain.readUInt32BE(8) }
    },
  }
}

export type ClickReferences = ReturnType<typeof createClickReferences>

/** The target with `param=reference` added to its query, before any fragment; its own parameters kept. */
export function withClickReference(url: string, param: string, reference: string): string {
  const hash = url.indexOf('#')
  const base = hash === -1 ? url : url.slice(0, hash)
  const fragment = hash === -1 ? '' : url.slice(hash)
  const joiner = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?'
  return `${base}${joiner}${param}=${reference}${fragment}`
}
