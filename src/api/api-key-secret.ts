import { createHash, randomBytes } from 'node:crypto'

export type KeyKind = 'secret' | 'publishable'

const KIND_PREFIX: Record<KeyKind, string> = { secret: 'umb_', publishable: 'pk_' }
// 32 random bytes as base64url: 43 characters, 256 bits, so a hash lookup needs no salt or slow KDF.
const SECRET_BYTES = 32
const KEY_SHAPE = /^(umb|pk)_[A-Za-z0-9_-]{43}$/
// Enough of the secret to tell keys apart in a list; 48 of its 256 bits.
const DISPLAY_CHARS = 8

export type MintedSecret = { secret: string; prefix: string; hash: Buffer }

export const hashKeySecret = (secret: string): Buffer => createHash('sha256').update(secret).digest()

/** A new key secret (shown to its owner once), its display prefix and the sha-256 that is stored. */
export function mintKeySecret(kind: KeyKind): MintedSecret {
  const secret = KIND_PREFIX[kind] + randomBytes(SECRET_BYTES).toString('base64url')
  return { secret, prefix: displayPrefix(secret), hash: hashKeySecret(secret) }
}

export const displayPrefix = (secret: string) => secret.slice(0, secret.indexOf('_') + 1 + DISPLAY_CHARS)

/** Whether a presented token could be a key we minted: anything else is refused without a lookup. */
export const looksLikeKeySecret = (token: string) => KEY_SHAPE.test(token)
