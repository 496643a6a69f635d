import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { StatsQuery } from '../analytics/analytics-schemas.ts'
import { parseRange } from '../analytics/series.ts'
import { jsonOrCsvAnswer } from '../infra/documented-answers.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import { Campaign, Topic } from '../links/link-schemas.ts'
import { findContent } from '../shares/content-repository.ts'
import { readFunnelInputs } from './funnel-queries.ts'
import { buildFunnelReport, funnelReportCsv } from './funnel-report.ts'

const FunnelQuery = StatsQuery.omit({ interval: true })
  .extend({
    content: z.string().regex(/^[1-9]\d{0,18}$/, 'must be a content id').optional(),
    topic: Topic.optional(),
    campaign: Campaign.optional(),
    format: z.enum(['json', 'csv']).optional().describe('csv, or send Accept: text/csv'),
  })
  .refine((q) => [q.content, q.topic, q.campaign].filter((v) => v !== undefined).length === 1, {
    path: ['content'],
    message: 'name exactly one of content, topic, campaign',
  })

const Counts = z.record(z.string(), z.number())
const FunnelReportView = z.object({
  from: z.string(),
  to: z.string(),
  shares: z.object({ total: z.number(), byChannel: Counts }),
  sharesSeen: z.object({ total: z.number(), byApp: Counts, nativeByApp: Counts }),
  clicks: z.object({ total: z.number(), dark: z.number(), public: z.number(), byMedium: Counts }),
  addressBar: z.object({ arrivals: z.number(), byGeneration: Counts }),
  arrivals: z.object({
    total: z.number(), dark: z.number(), public: z.number(), viaShortLink: z.number(), viaAddressBar: z.number(), unattributed: z.number(),
    byMedium: Counts, byApp: Counts,
  }),
  virality: z.number().nullable(),
})

/** GET /reports/funnel: share actions → shares seen → clicks and address-bar arrivals, for a content, topic or campaign. */
export const funnelReportRoutes: FastifyPluginAsync = async (app) => {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get('/reports/funnel', {
    config: { scope: 'stats:read' },
    schema: {
      tags: ['reports'],
      summary: 'The share funnel: share actions, shares seen (previews), clicks, page arrivals by source and generation, virality',
      querystring: FunnelQuery,
      response: { 200: jsonOrCsvAnswer('the funnel of the content, topic or campaign', FunnelReportView), ...problemResponses(404) },
    },
  }, async (request, reply) => {
    const { fromMs, toMs } = parseRange(request.query)
    const { content, topic, campaign, format } = request.query
    if (content && !(await findContent(app.pg, content))) throw Problem.notFound(`content ${content}`)
    const inputs = await readFunnelInputs(app.pg, { contentId: content, topic, campaign, from: new Date(fromMs), to: new Date(toMs) })
    const report = buildFunnelReport(fromMs, toMs, inputs)
    const csv = format === 'csv' || (format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ''))
    if (!csv) return report
    const name = content ? `funnel-content-${content}` : topic ? 'funnel-topic' : 'funnel-campaign'
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(funnelReportCsv(report) as never)
  })
}
