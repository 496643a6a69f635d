import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (s: string) => createHash('sha256').update(s).digest()

/**
 * Whether an Authorization header carries `Bearer <token>`: compared as SHA-256 digests in constant time,
 * so neither the length nor a prefix of METRICS_TOKEN leaks through timing.
 */
export function carriesBearer(authorization: string | undefined, token: string): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')
  return m !== null && timingSafeEqual(digest(m[1]), digest(token))
}
