import { createHmac } from 'node:crypto'
import { signingKeyOf } from './webhook-secret.ts'

/**
 * The Standard Webhooks headers of one delivery: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` (the body
 * hashed as it is sent: a large one is neither copied into that string nor encoded twice).
 */
export function signedHeaders(secret: string, id: string, timestampSeconds: number, body: string | Buffer) {
  const signature = createHmac('sha256', signingKeyOf(secret))
    .update(`${id}.${timestampSeconds}.`)
    .update(body)
    .digest('base64')
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature}`,
  }
}

/** One event's webhook-id, the same on every attempt and replay so receivers can deduplicate. */
export const webhookIdOf = (eventId: string) => `msg_${eventId}`
