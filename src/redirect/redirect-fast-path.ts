import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { FailureLimiter } from '../api/failure-limiter.ts'
import { clientKey } from '../api/rate-limits.ts'
import type { CaptureOutcome } from '../clicks/capture/capture-click.ts'
import type { CaptureRequest } from '../clicks/capture/capture-request.ts'
import { type DomainRegistry, linkKeyOf } from '../domains/domain-registry.ts'
import type { LinkCache, ResolvedLink } from '../links/link-cache.ts'
import {
  answerOf,
  type ClickReferencer,
  CODE_PATH,
  fallbackOf,
  isLive,
  locationOf,
  needsPassword,
  type PageAnswer,
  pageHeaderList,
  REDIRECT_STATUS,
  redirectHeaderList,
} from './redirect-answer.ts'
import type { RedirectAnswers } from './redirect-metrics.ts'

const STATIC_MEMO_MAX = 10_000

export type RedirectFastPathOptions = {
  linkCache: LinkCache
  domains: Pick<DomainRegistry, 'domainOfHost' | 'hasOthers'>
  capture: (request: CaptureRequest, link: ResolvedLink) => CaptureOutcome
  /** Adds the click reference to a conversion-tracking link's target. */
  referencer?: ClickReferencer
  afterWrite: <A, B>(send: (a: A, b: B) => void, a: A, b: B) => void
  answered: RedirectAnswers
  readRequest: (req: IncomingMessage) => CaptureRequest
  /** 404/410 pages per client: a client past that budget is left to the route, which answers 429. */
  missPages: FailureLimiter
  /** A capture (or fast-path) failure: logged; the redirect goes out anyway. */
  onCaptureError: (err: unknown) => void
}

/** The Host header from the raw header list (Node builds req.headers only when it is read). */
function rawHost(req: IncomingMessage): string | undefined {
  const raw = req.rawHeaders
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]
    if (name.length === 4 && (name === 'Host' || name === 'host' || name.toLowerCase() === 'host')) return raw[i + 1]
  }
  return undefined
}

function sendRedirect(res: ServerResponse, url: string) {
  res.writeHead(REDIRECT_STATUS, redirectHeaderList(url))
  res.end()
}

/** A routed link's page (in-app escape, app opener): 200 with the pages' security headers. */
function sendPage(res: ServerResponse, page: { headers: string[]; html: string }) {
  res.writeHead(200, page.headers)
  res.end(page.html)
}

/**
 * The hot path, ahead of Fastify (infra/ahead-of-fastify.ts): a GET or HEAD of a code the cache holds as
 * a live link is answered straight from the HTTP server's request event (capture → 302 after the journal
 * write). It costs ~5 µs less a request, which is most of the distance between a Fastify app and bare Fastify.
 *
 * Everything else falls through to Fastify unchanged: a code not in the cache, unknown, disabled or
 * expired (404/410 pages and their rate limit), a path a static route owns, other methods, a client past
 * its 404/410 budget (429, live codes too), and every request once the server is closing (Fastify answers
 * 503). The route in redirect-routes.ts answers the same 302 for what falls through, and for app.inject().
 */
export function installRedirectFastPath(app: FastifyInstance, o: RedirectFastPathOptions) {
  const blocked = o.missPages.blocked
  const pageSecurity = app.pageSecurityHeaders

  // Codes a static route owns (/healthz, /metrics, …) are Fastify's: the router prefers them to /:code.
  const ownedByRoute = new Map<string, boolean>()
  const isRoutePath = (code: string) => {
    let owned = ownedByRoute.get(code)
    if (owned === undefined) {
      if (ownedByRoute.size >= STATIC_MEMO_MAX) ownedByRoute.clear()
      owned = app.hasRoute({ method: 'GET', url: `/${code}` })
      ownedByRoute.set(code, owned)
    }
    return owned
  }

  function redirectFast(req: IncomingMessage, res: ServerResponse): boolean {
    const method = req.method
    if (method !== 'GET' && method !== 'HEAD') return false
    const match = CODE_PATH.exec(req.url ?? '')
    if (match === null) return false
    const code = match[1]
    // With one domain every request is on it: no Host to read.
    const key = o.domains.hasOthers() ? linkKeyOf(o.domains.domainOfHost(rawHost(req)), code) : code
    const link: ResolvedLink | null | undefined = o.linkCache.cached(key)
    if (!link) return false
    // Expired or out of clicks: its fallback, if it has one (else the route's 410 page); a password: the route.
    const live = isLive(link, Date.now())
    const fallback = live ? null : fallbackOf(link)
    if ((!live && fallback === null) || isRoutePath(code)) return false
    if (live && needsPassword(link)) return false
    const request = o.readRequest(req)
    // Empty unless some client has spent its 404/410 budget: only then is the client's key worked out.
    if (blocked.size !== 0 && o.missPages.isBlocked(clientKey(request.ip))) return false
    o.linkCache.countHit()
    let answer: string | PageAnswer = fallback ?? link.url
    let clickId: number | null = null
    try {
      const outcome = o.capture(request, fallback === null ? link : { ...link, routing: null })
      clickId = outcome.clickId
      if (fallback === null) answer = answerOf(link, outcome)
    } catch (err) {
      o.onCaptureError(err)
    }
    if (typeof answer === 'string') {
      o.answered[302]++
      o.afterWrite(
        sendRedirect,
        res,
        link.conversionTracking ? locationOf(link, answer, clickId, o.referencer) : answer,
      )
    } else {
      o.answered[200]++
      o.afterWrite(sendPage, res, { headers: pageHeaderList(pageSecurity, answer), html: answer.html })
    }
    return true
  }

  app.aheadOfFastify.add({ name: 'redirect', serve: redirectFast, onError: o.onCaptureError })
}
