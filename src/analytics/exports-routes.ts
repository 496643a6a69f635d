import { Readable } from 'node:stream'
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { fileAnswer } from '../infra/documented-answers.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import type { DomainRegistry } from '../domains/domain-registry.ts'
import { domainFilterOf, storedDomainOrNotFound } from '../links/link-domain.ts'
import { findLinkByCode } from '../links/link-repository.ts'
import { ExportQuery } from './analytics-schemas.ts'
import { clickCsvChunks } from './click-export.ts'
import { csvFileName } from './csv.ts'
import { parseRange } from './series.ts'

/** Raw clicks as CSV, streamed: the only read of the clicks table, for people who want every row. */
export const exportsRoutes: FastifyPluginAsync<{
  batchSize?: number
  domains: Pick<DomainRegistry, 'storedDomainOf'>
}> = async (app, { batchSize, domains }) => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/exports/clicks.csv',
    {
      config: { scope: 'stats:read' },
      schema: {
        tags: ['reports'],
        summary:
          'Every click of a range (optionally of one link or topic) as CSV, one row per click with its labels; no IP, no visitor hash',
        querystring: ExportQuery,
        response: {
          200: fileAnswer('clicks-<link or topic>-<days>.csv: one header row, then one row per click', 'text/csv'),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { fromMs, toMs } = parseRange(request.query)
      const { link, topic } = request.query
      let linkId: string | undefined
      if (link) {
        const row = await findLinkByCode(app.pg, link, storedDomainOrNotFound(domains, link, request.query.domain))
        if (!row) throw Problem.notFound(`link ${link}`)
        linkId = row.id
      }
      // With a link, ?domain= says which domain's code it is; without one, it keeps that domain's links.
      const domain = link ? undefined : domainFilterOf(domains, request.query.domain)
      const filter = { from: new Date(fromMs), to: new Date(toMs), linkId, topic, domain }
      const chunks = clickCsvChunks(app.reads, filter, batchSize)
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${exportName(link, topic, fromMs, toMs)}"`)
        .header('cache-control', 'private, no-store')
        .send(Readable.from(chunks))
    },
  )
}

/** clicks-link-<code>-…, clicks-topic-<topic>-… or clicks-all-…, with the range's days: downloads do not overwrite each other. */
const exportName = (link: string | undefined, topic: string | undefined, fromMs: number, toMs: number) =>
  csvFileName(['clicks', ...(link ? ['link', link] : topic ? ['topic', topic] : ['all'])], fromMs, toMs)
