import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import QRCode from 'qrcode'
import { fileAnswer } from '../infra/documented-answers.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import type { DomainRegistry } from '../domains/domain-registry.ts'
import { storedDomainOrNotFound } from '../links/link-domain.ts'
import { findLinkByCode } from '../links/link-repository.ts'
import { LinkDomainQuery, LinkParams } from '../links/link-schemas.ts'
import { QrQuery } from './share-schemas.ts'

// M recovers from ~15% damage: enough for print and screens, and keeps short links at a small version.
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 2 } as const

/**
 * The QR code of a link's short URL, for the qr channel (posters, print, slides). Behind links:read:
 * the widget has no QR button, so no public QR endpoint is needed.
 */
export const qrRoutes: FastifyPluginAsync<{ domains: Pick<DomainRegistry, 'storedDomainOf' | 'baseUrlOf'> }> = async (
  app,
  { domains },
) => {
  const api = app.withTypeProvider<ZodTypeProvider>()

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
      const url = await shortUrlOf(request.params.code, request.query.domain)
      const svg = await QRCode.toString(url, { ...QR_OPTIONS, type: 'svg' })
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
      const png = await QRCode.toBuffer(await shortUrlOf(request.params.code, request.query.domain), {
        ...QR_OPTIONS,
        type: 'png',
        width: request.query.size,
      })
      return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(png)
    },
  )
}
