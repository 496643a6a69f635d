import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { LRUCache } from 'lru-cache'
import QRCode from 'qrcode'
import { fileAnswer } from '../infra/documented-answers.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import type { DomainRegistry } from '../domains/domain-registry.ts'
import { storedDomainOrNotFound } from '../links/link-domain.ts'
import { findLinkByCode } from '../links/link-repository.ts'
import { LinkDomainQuery, LinkParams } from '../links/link-schemas.ts'
import { encodeQrPng } from './qr-png.ts'
import { QrQuery } from './share-schemas.ts'

// M recovers from ~15% damage: enough for print and screens, and keeps short links at a small version.
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 2 } as const
// Rendered codes by short URL and size: a poster tool asking again (or 16 times at once) costs nothing.
const QR_CACHE_BYTES = 16 * 1024 * 1024

let lastTurn: Promise<unknown> = Promise.resolve()
/**
 * Runs `draw` in an event-loop turn of its own, after the drawings queued before it: requests whose lookups
 * finish together would otherwise draw back to back in one turn (16 codes: ~50 ms of held loop).
 */
function inTurnOfItsOwn<T>(draw: () => T): Promise<T> {
  const drawn = lastTurn.then(() => nextTurn()).then(draw)
  lastTurn = drawn.catch(() => {})
  return drawn
}

/**
 * Codes rendered once per short URL and format: concurrent requests for the same one share one rendering,
 * and the PNG's compression runs off the event loop (qr-png.ts).
 */
function createQrCache() {
  return new LRUCache<string, Buffer, { url: string; size: number | null }>({
    maxSize: QR_CACHE_BYTES,
    sizeCalculation: (b) => b.length,
    fetchMethod: async (_key, _stale, { context: { url, size } }) => {
      // The drawing (a few ms) in a turn of its own; a PNG's compression then goes on off the loop.
      if (size === null)
        return Buffer.from(await inTurnOfItsOwn(() => QRCode.toString(url, { ...QR_OPTIONS, type: 'svg' })))
      // Wrapped, so the turn ends once the code is drawn, not once it is compressed.
      const drawn = await inTurnOfItsOwn(() => ({
        png: encodeQrPng(QRCode.create(url, QR_OPTIONS).modules, size, QR_OPTIONS.margin),
      }))
      return drawn.png
    },
  })
}

/**
 * The QR code of a link's short URL, for the qr channel (posters, print, slides). Behind links:read:
 * the widget has no QR button, so no public QR endpoint is needed.
 */
export const qrRoutes: FastifyPluginAsync<{ domains: Pick<DomainRegistry, 'storedDomainOf' | 'baseUrlOf'> }> = async (
  app,
  { domains },
) => {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const rendered = createQrCache()
  const render = async (url: string, size: number | null) =>
    (await rendered.fetch(`${size ?? 'svg'} ${url}`, { context: { url, size } })) as Buffer
  // The first drawing compiles qrcode's code paths (~80 ms on a busy machine): done before serving, not in a request.
  app.addHook('onReady', async () => {
    QRCode.create('https://warm-up.invalid/code', QR_OPTIONS)
    await QRCode.toString('https://warm-up.invalid/code', { ...QR_OPTIONS, type: 'svg' })
  })

  /** The short URL on the link's own domain (`?domain=`, the default when omitted). */
  async function shortUrlOf(code: string, host: string | undefined) {
    const link = await findLinkByCode(app.pg, code, storedDomainOrNotFound(domains, code, host))
    if (!link) throw Problem.notFound(`link ${code}`)
    return `${domains.baseUrlOf(link.domain)}/${link.code}`
  }

  api.get(
    '/links/:code/qr.svg',
    {
      config: { scope: 'links:read' },
      schema: {
        tags: ['links'],
        summary: "QR code of the link's short URL, as SVG",
        params: LinkParams,
        querystring: LinkDomainQuery,
        response: { 200: fileAnswer('the QR code', 'image/svg+xml'), ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const svg = await render(await shortUrlOf(request.params.code, request.query.domain), null)
      return reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'private, max-age=3600').send(svg)
    },
  )

  api.get(
    '/links/:code/qr.png',
    {
      config: { scope: 'links:read' },
      schema: {
        tags: ['links'],
        summary: "QR code of the link's short URL, as PNG",
        params: LinkParams,
        querystring: QrQuery,
        response: { 200: fileAnswer('the QR code', 'image/png'), ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const png = await render(await shortUrlOf(request.params.code, request.query.domain), request.query.size)
      return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(png)
    },
  )
}
