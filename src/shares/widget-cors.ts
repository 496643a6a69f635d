import type { onSendAsyncHookHandler } from 'fastify'
import { originOf } from './publishable-origin.ts'

// What the widget sends: a JSON body and its publishable key. Nothing else is allowed across origins.
const ALLOWED_METHOD = 'POST'
const ALLOWED_HEADERS = ['authorization', 'content-type']
// Browsers cache an accepted preflight this long (Chrome caps it at 2 hours).
const PREFLIGHT_MAX_AGE_S = 600

export type PreflightRequest = { origin?: string; method?: string; requestHeaders?: string }

/**
 * The answer to a CORS preflight of the widget's kit route, or null to refuse it. A preflight carries
 * no key, so it cannot be checked against one: it is granted to any well-formed web origin for
 * exactly the widget's request, and the real request is then refused (403, no CORS headers) unless
 * its publishable key lists the page's origin.
 */
export function preflightAnswer(p: PreflightRequest): Record<string, string> | null {
  if (!p.origin || originOf(p.origin) !== p.origin) return null
  if (p.method !== ALLOWED_METHOD) return null
  const asked = (p.requestHeaders ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean)
  if (asked.some((h) => !ALLOWED_HEADERS.includes(h))) return null
  return {
    'access-control-allow-origin': p.origin,
    'access-control-allow-methods': ALLOWED_METHOD,
    'access-control-allow-headers': ALLOWED_HEADERS.join(', '),
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
    vary: 'Origin',
  }
}

/**
 * CORS headers for a kit answered to a page whose origin its publishable key allows: the origin as
 * normalised (`HTTPS://Blog.Example:443` → `https://blog.example`), never the raw header, so what is granted
 * is exactly what was checked; nothing for a header that is not an http(s) origin.
 */
export function corsGrant(originHeader: string): Record<string, string> {
  const origin = originOf(originHeader)
  return origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : { vary: 'Origin' }
}

/**
 * A refusal (401, 403, 429, 4xx) is readable by the page that asked, whatever its origin: the page's
 * console then shows the server's own reason (wrong key, origin not allowed) instead of a bare CORS
 * error. It reveals nothing the caller did not send; success answers stay for the key's origins only.
 */
export const refusalCors: onSendAsyncHookHandler = async (request, reply, payload) => {
  const origin = request.headers.origin
  if (reply.statusCode >= 400 && origin && originOf(origin) === origin) reply.headers(corsGrant(origin))
  return payload
}
