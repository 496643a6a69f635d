import type { FastifyBaseLogger, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { clientKey } from '../api/rate-limits.ts'
import { captureRequestOf } from '../clicks/capture-click.ts'
import type { ProxyTrust } from '../infra/client-address.ts'
import type { LinkCache, ResolvedLink } from '../links/link-cache.ts'
import { sendGonePage, sendNotFoundPage, sendTooManyPage, sendUnavailablePage } from './pages.ts'
import { installRedirectFastPath } from './redirect-fast-path.ts'
import { noAnswers, registerRedirectMetrics } from './redirect-metrics.ts'

// Every code ever minted matches this; anything else is answered without a lookup.
const ANY_CODE = /^[A-Za-z0-9_-]{1,64}$/

export type RedirectRoutesOptions = {
  linkCache: LinkCache
  /** The trust function Fastify was given (src/infra/client-address.ts), for the fast path's raw reader. */
  proxyTrust?: ProxyTrust | null
  /** COUNTRY_HEADER: the header a proxy puts the visitor's country in. */
  countryHeader?: string
  /** Answer cached live links ahead of Fastify (redirect-fast-path.ts); the route below answers the rest. */
  fastPath?: boolean
}

// 302, not 301: browsers cache a 301 and we would never see the next click.
const sendRedirect = (reply: FastifyReply, url: string) => void reply.redirect(url, 302)

/**
 * GET /:code — the hot path: resolve (cache first) → capture the click → 302 once its journal line is
 * written. HEAD answers the same and is not counted (Fastify derives it from GET).
 */
export const redirectRoutes: FastifyPluginAsync<RedirectRoutesOptions> = async (app, { linkCache, proxyTrust = null, countryHeader, fastPath = false }) => {
  const { capture, writer } = app.clicks
  const missPages = app.missPages
  const answered = noAnswers()
  if (app.hasDecorator('metrics')) registerRedirectMetrics(app.metrics.registry, answered, linkCache.stats)
  // One logger for every redirect, built once: a per-request child (with its request id) costs more than
  // the rest of the route. At the default level redirects log only what goes wrong (no "incoming
  // request" / "request completed" pair per click); LOG_LEVEL=debug brings those back.
  const log = app.log.child({ component: 'redirect' }, { level: app.log.level === 'info' ? 'warn' : app.log.level })

  function answer(request: FastifyRequest, reply: FastifyReply, link: ResolvedLink | null) {
    if (!link) {
      answered[404]++
      return sendNotFoundPage(reply)
    }
    if (link.disabled || (link.expiresAtMs !== null && link.expiresAtMs <= Date.now())) {
      answered[410]++
      return sendGonePage(reply)
    }
    try {
      capture(captureRequestOf(request.method, request.headers, request.ip, countryHeader), link)
    } catch (err) {
      log.error({ err }, 'click capture failed')
    }
    answered[302]++
    reply.header('cache-control', 'private, no-store').header('x-robots-tag', 'noindex')
    // The click's journal line is written once per turn of the event loop for every request of that
    // turn; the 302 leaves right after, so a redirect that got out always has its click on disk.
    writer.afterJournalWrite(sendRedirect, reply, link.url)
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
      if (!ANY_CODE.test(code)) {
        answered[404]++
        return sendNotFoundPage(reply)
      }
      const hit = linkCache.peek(code)
      if (hit !== undefined) return answer(request, reply, hit)
      linkCache.resolve(code).then(
        (link) => answer(request, reply, link),
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
      capture,
      afterJournalWrite: writer.afterJournalWrite,
      answered,
      proxyTrust,
      missPages,
      countryHeader,
      onCaptureError: (err) => log.error({ err }, 'click capture failed'),
    })
}
