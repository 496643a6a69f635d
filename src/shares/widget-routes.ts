import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { jsonAnswer } from '../infra/documented-answers.ts'
import { Problem } from '../infra/problem.ts'
import { ShareKitView, WidgetKitRequest } from './share-schemas.ts'
import { toShareKitView } from './share-kit-view.ts'
import { shareKitFor, type SharesRoutesOptions } from './shares-routes.ts'
import { corsGrant, refusalCors, preflightAnswer } from './widget-cors.ts'
import { callerOf } from '../api/principal.ts'

export const WIDGET_SOURCE = new URL('../../web/widget/widget.js', import.meta.url)

/** GET /widget.js: the embeddable share widget, read and gzipped once at start. */
export const widgetScriptRoutes: FastifyPluginAsync = async (app) => {
  const source = await readFile(WIDGET_SOURCE)
  const gzipped = gzipSync(source, { level: 9 })
  const etag = `W/"${createHash('sha256').update(source).digest('base64url').slice(0, 22)}"`

  app.get('/widget.js', { schema: { hide: true } }, async (request, reply) => {
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('etag', etag)
      .header('vary', 'Accept-Encoding')
      // Embedded by other sites' pages: a same-origin resource policy would block it.
      .header('cross-origin-resource-policy', 'cross-origin')
    if (request.headers['if-none-match'] === etag) return reply.code(304).send()
    if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? ''))
      return reply.header('content-encoding', 'gzip').send(gzipped)
    return reply.send(source)
  })
}

/**
 * The widget's kit route, called from other sites' pages with a publishable key: rate-limited per
 * client IP (every visitor of a site shares the site's key), CORS granted only to the key's origins.
 */
export const widgetKitRoutes: FastifyPluginAsync<SharesRoutesOptions> = async (app, opts) => {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.options('/widget/kit', { schema: { hide: true } }, async (request, reply) => {
    const answer = preflightAnswer({
      origin: request.headers.origin,
      method: request.headers['access-control-request-method'],
      requestHeaders: request.headers['access-control-request-headers'],
    })
    if (!answer)
      throw Problem.forbidden(
        'only a POST with Authorization and Content-Type, from a web page, may call the widget route',
      )
    return reply.code(204).headers(answer).send()
  })

  api.post(
    '/widget/kit',
    {
      config: { scope: 'shares:write', limit: 'ip-widget', widget: true },
      onSend: refusalCors,
      schema: {
        tags: ['shares'],
        summary: "The share widget's kit: like POST /shares, for a publishable key on a page of its allowed origins",
        body: WidgetKitRequest,
        response: {
          201: jsonAnswer('a new kit, or new channels added to the kit of this URL', ShareKitView),
          200: jsonAnswer('the kit of this URL already had every channel named', ShareKitView),
        },
      },
    },
    async (request, reply) => {
      const made = await shareKitFor(request, request.body, opts)
      // Secret keys work here too, from servers; only a publishable key's page gets CORS, its origin checked above.
      reply.header('vary', 'Origin')
      const origin = request.headers.origin
      if (callerOf(request).kind === 'publishable' && origin) reply.headers(corsGrant(origin))
      return reply.code(made.status).send(toShareKitView(made.content, made.links, opts))
    },
  )
}
