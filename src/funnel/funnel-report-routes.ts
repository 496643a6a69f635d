import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { csvFileName } from '../analytics/csv.ts'
import { parseRange } from '../analytics/series.ts'
import { jsonOrCsvAnswer } from '../infra/documented-answers.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import { funnelConversionRows, funnelConversions } from '../conversions/conversion-tally.ts'
import { csvLine } from '../analytics/csv.ts'
import type { DomainRegistry } from '../domains/domain-registry.ts'
import { domainFilterOf } from '../links/link-domain.ts'
import { findContent } from '../shares/content-repository.ts'
import { readFunnelConversions, readFunnelInputs } from './funnel-queries.ts'
import { buildFunnelReport, funnelReportCsv } from './funnel-report.ts'
import { FunnelQuery, FunnelReportView } from './funnel-report-schemas.ts'

/** GET /reports/funnel: share actions → shares seen → clicks and address-bar arrivals, for a content, topic or campaign. */
export const funnelReportRoutes: FastifyPluginAsync<{ domains: Pick<DomainRegistry, 'storedDomainOf'> }> = async (
  app,
  { domains },
) => {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/reports/funnel',
    {
      config: { scope: 'stats:read' },
      schema: {
        tags: ['reports'],
        summary:
          'The share funnel: share actions, shares seen (previews), clicks, page arrivals by source and generation, virality',
        querystring: FunnelQuery,
        response: {
          200: jsonOrCsvAnswer('the funnel of the content, topic or campaign', FunnelReportView),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { fromMs, toMs } = parseRange(request.query)
      const { content, topic, campaign, format } = request.query
      if (content && !(await findContent(app.pg, content))) throw Problem.notFound(`content ${content}`)
      const domain = domainFilterOf(domains, request.query.domain)
      const filter = { contentId: content, topic, campaign, domain, from: new Date(fromMs), to: new Date(toMs) }
      const [inputs, conversionRows] = await Promise.all([
        readFunnelInputs(app.reads, filter),
        readFunnelConversions(app.reads, filter),
      ])
      const funnel = buildFunnelReport(fromMs, toMs, inputs)
      const report = { ...funnel, conversions: funnelConversions(conversionRows, funnel.clicks.total) }
      const csv = format === 'csv' || (format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ''))
      if (!csv) return report
      const name = csvFileName(
        content
          ? ['funnel', 'content', content]
          : topic
            ? ['funnel', 'topic', topic]
            : ['funnel', 'campaign', campaign ?? ''],
        fromMs,
        toMs,
      )
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send((funnelReportCsv(report) + funnelConversionRows(report.conversions).map(csvLine).join('')) as never)
    },
  )
}
