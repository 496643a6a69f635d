import type { FastifyRequest } from 'fastify'

export type SessionCookie = {
  name: string
  options: { httpOnly: true; secure: boolean; sameSite: 'strict'; path: '/' }
}

/**
 * The session cookie: httpOnly (page scripts never see it), SameSite=Strict (never sent on a request
 * another site starts), Secure and `__Host-`-prefixed when the app is served over https (bound to this
 * exact host, path /). Path / because the dashboard calls /api/v1 with it.
 */
export function sessionCookie(publicUrl: string): SessionCookie {
  const secure = new URL(publicUrl).protocol === 'https:'
  return {
    name: secure ? '__Host-umbra_session' : 'umbra_session',
    options: { httpOnly: true, secure, sameSite: 'strict', path: '/' },
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Why a write carrying the session cookie could have been forged by another site, or null when it could not.
 * SameSite=Strict already keeps the cookie off cross-site requests; on top of that a write must
 *  - not be marked cross-site or same-site by the browser (Sec-Fetch-Site: a sibling subdomain is "same-site"
 *    and would get the cookie), and
 *  - if it is a POST, be `application/json`: the only writes a page on another origin can send without a
 *    CORS preflight (which we never grant to cookies) are form-encoded or text/plain POSTs.
 * PUT, PATCH and DELETE always need a preflight cross-origin, so they pass.
 */
export function forgeableWriteProblem(request: Pick<FastifyRequest, 'method' | 'headers'>): string | null {
  if (SAFE_METHODS.has(request.method)) return null
  const site = request.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin') return `a ${site} request cannot write with the dashboard session`
  if (request.method === 'POST' && !/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? ''))
    return 'writes with the dashboard session must send content-type: application/json'
  return null
}
