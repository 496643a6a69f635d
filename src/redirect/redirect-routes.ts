import type { FastifyBaseLogger, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { clientKey } from '../api/rate-limits.ts'
import { type DomainRegistry, linkKeyOf } from '../domains/domain-registry.ts'
import type { PlaceLookup } from '../clicks/capture/country-lookup.ts'
import type { ProxyTrust } from '../infra/client-address.ts'
import type { LinkCache, ResolvedLink } from '../links/link-cache.ts'
import { sendGonePage, sendNotFoundPage, sendTooManyPage, sendUnavailablePage } from './pages.ts'
import {
  ANY_CODE,
  captureRequestReader,
  type ClickReferencer,
  isLive,
  locationOf,
  REDIRECT_HEADERS,
  REDIRECT_STATUS,
} from './redirect-answer.ts'
import { installRedirectFastPath } from './redirect-fast-path.ts'
import { noAnswers, registerRedirectMetrics } from './redirect-metrics.ts'

export type RedirectRoutesOptions = {
  linkCache: LinkCache
  /** Which domain a Host header names: the cache key of a code is per domain. */
  domains: Pick<DomainRegistry, 'domainOfHost' | 'settingsOf' | 'hasOthers'>
  /** The trust function Fastify was given (src/infra/client-address.ts), for the fast path's raw reader. */
  proxyTrust?: ProxyTrust | null
  /** COUNTRY_HEADER: the header a proxy puts the visitor's country in. */
  countryHeader?: string
  /** The IP database (GEOIP_DB) for a request without COUNTRY_HEADER. */
  placeOf?: PlaceLookup | null
  /** Answer cached live links ahead of Fastify (redirect-fast-path.ts); the route below answers the rest. */
  fastPath?: boolean
  /** Adds the click reference to a conversion-tracking link's target. */
  referencer?: ClickReferencer
}

const sendRedirect = (reply: FastifyReply, url: string) => void reply.redirect(url, REDIRECT_STATUS)

/**
 * GET /:code — the hot path: resolve (cache first) → capture the click → 302 once its journal line is
 * written. HEAD answers the same and is not counted (Fastify derives it from GET).
 */
export const redirectRoutes: FastifyPluginAsync<RedirectRoutesOptions> = async (
  app,
  { linkCache, domains, proxyTrust = null, countryHeader, placeOf = null, fastPath = false, referencer },
) => {
  const { capture, writer } = app.clicks
  const readRequest = captureRequestReader({ proxyTrust, countryHeader, placeOf })
  const missPages = app.missPages
  const answered = noAnswers()
  if (app.hasDecorator('metrics')) registerRedirectMetrics(app.metrics.registry, answered, linkCache.stats)
  // One logger for every redirect, built once: a per-request child (with its request id) costs more than
  // the rest of the route. At the default level redirects log only what goes wrong (no "incoming
  // request" / "request completed" pair per click); LOG_LEVEL=debug brings those back.
  const log = app.log.child({ component: 'redirect' }, { level: app.log.level === 'info' ? 'warn' : app.log.level })

  function answer(request: FastifyRequest, reply: FastifyReply, link: ResolvedLink | null, domain: string) {
    if (!link) {
      answered[404]++
      return sendNotFoundPage(reply, domains.settingsOf(domain)?.notFoundUrl)
    }
    if (!isLive(link, Date.now())) {
      answered[410]++
      return sendGonePage(reply)
    }
    let clickId: number | null = null
    try {
      clickId = capture(readRequest(request.raw), link)
    } catch (err) {
      log.error({ err }, 'click capture failed')
    }
    answered[302]++
    reply.headers(REDIRECT_HEADERS)
    // The click's journal line is written once per turn of the event loop for every request of that
    // turn; the 302 leaves right after, so a redirect that got out always has its click on disk.
    writer.afterWrite(sendRedirect, reply, locationOf(link, clickId, referencer))
  }

  app.get<{ Params: { code: string } }>(
    '/:code',
    { childLoggerFactory: () => log as FastifyBaseLogger },
    (request, reply) => {
      // A client past its 404/410 budget gets 429 for every code, live ones too, before any lookup: else a
      // 302 among the 429s would still tell it which codes exist.
      if (missPages.blocked.size !== 0) {
        const refusal = missPages.refusal(clientKey(request.ip))
        if (refusal) {
          answered[429]++
          return sendTooManyPage(reply, refusal)
        }
      }
      const code = request.params.code
      const domain = domains.domainOfHost(request.headers.host)
      if (!ANY_CODE.test(code)) {
        answered[404]++
        return sendNotFoundPage(reply, domains.settingsOf(domain)?.notFoundUrl)
      }
      const key = linkKeyOf(domain, code)
      const hit = linkCache.peek(key)
      if (hit !== undefined) return answer(request, reply, hit, domain)
      linkCache.resolve(key).then(
        (link) => answer(request, reply, link, domain),
        (err) => {
          log.warn({ err, code }, 'link lookup failed')
          answered[503]++
          return sendUnavailablePage(reply)
        },
      )
    },
  )

  if (fastPath)
    installRedirectFastPath(app, {
      linkCache,
      domains,
      capture,
      referencer,
      afterWrite: writer.afterWrite,
      answered,
      readRequest,
      missPages,
      onCaptureError: (err) => log.error({ err }, 'click capture failed'),
    })
}
