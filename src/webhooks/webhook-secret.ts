import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'

const PREFIX = 'whsec_'
const SECRET_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16

/** A new signing secret as Standard Webhooks writes it: `whsec_` and the key in base64. */
export const newWebhookSecret = () => `${PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`

/** The HMAC key of a `whsec_…` secret. */
export const signingKeyOf = (secret: string) => Buffer.from(secret.slice(PREFIX.length), 'base64')

/**
 * Secrets are kept sealed (AES-256-GCM) under a key derived from the server secret, which never goes to
 * Postgres: a database dump shows neither the secret nor enough to forge a signature.
 */
export function createSecretBox(serverSecret: Buffer) {
  const key = createHmac('sha256', serverSecret).update('umbra webhook secrets v1').digest()
  return {
    seal(secret: string): Buffer {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body])
    },
    open(sealed: Buffer): string {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES))
      decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
      return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
    },
  }
}

export type SecretBox = ReturnType<typeof createSecretBox>
