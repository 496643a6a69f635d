import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { LinkCache, ResolvedLink } from '../links/link-cache.ts'
import { sendGonePage, sendNotFoundPage, sendUnavailablePage } from './pages.ts'

// Every code ever minted matches this; anything else is answered without a lookup.
const ANY_CODE = /^[A-Za-z0-9_-]{1,64}$/

export type RedirectRoutesOptions = { linkCache: LinkCache }

/**
 * GET /:code — the hot path: resolve (cache first) → hand the click on → 302.
 * HEAD answers the same and is not counted (Fastify derives it from GET).
 */
export const redirectRoutes: FastifyPluginAsync<RedirectRoutesOptions> = async (app, { linkCache }) => {
  const capture = app.clicks.capture
  const log = app.log.child({ component: 'redirect' })

  function answer(request: FastifyRequest<{ Params: { code: string } }>, reply: FastifyReply, link: ResolvedLink | null) {
    if (!link) return sendNotFoundPage(reply)
    if (link.disabled || (link.expiresAtMs !== null && link.expiresAtMs <= Date.now())) return sendGonePage(reply)
    try {
      // Recorded before the response leaves (journal write), so a 302 always has its click.
      capture(request, link.id)
    } catch (err) {
      log.error({ err }, 'click capture failed')
    }
    // 302, not 301: browsers cache a 301 and we would never see the next click.
    return reply
      .header('cache-control', 'private, no-store')
      .header('x-robots-tag', 'noindex')
      .redirect(link.url, 302)
  }

  app.get<{ Params: { code: string } }>('/:code', (request, reply) => {
    const code = request.params.code
    if (!ANY_CODE.test(code)) return sendNotFoundPage(reply)
    const hit = linkCache.peek(code)
    if (hit !== undefined) return answer(request, reply, hit)
    return linkCache.resolve(code).then(
      (link) => answer(request, reply, link),
      (err) => {
        log.warn({ err, code }, 'link lookup failed')
        return sendUnavailablePage(reply)
      },
    )
  })
}
