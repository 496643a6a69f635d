import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { Problem } from '../infra/problem.ts'
import { findImportedTotal } from '../imports/imported-totals.ts'
import { findLinkByCode } from '../links/link-repository.ts'
import { LinkParams } from '../links/link-schemas.ts'
import { conversionsOfLink } from '../conversions/conversion-queries.ts'
import { tallyConversions } from '../conversions/conversion-tally.ts'
import { LinkStatsView, StatsQuery } from './analytics-schemas.ts'
import { buildLinkStats } from './link-stats.ts'
import { parseRange } from './series.ts'
import { countUniques, humanSeries, sumDimensions, sumLabels } from './stats-queries.ts'

export const statsRoutes: FastifyPluginAsync = async (app) => {
  const db = app.pg

  app.withTypeProvider<ZodTypeProvider>().get(
    '/links/:code/stats',
    {
      config: { scope: 'stats:read' },
      schema: {
        tags: ['stats'],
        summary: 'Clicks of one link, split dark vs public, by medium, app, browser, OS and device',
        params: LinkParams,
        querystring: StatsQuery,
        response: { 200: LinkStatsView },
      },
    },
    async (request) => {
      const { fromMs, toMs, interval } = parseRange(request.query)
      const link = await findLinkByCode(db, request.params.code)
      if (!link) throw Problem.notFound(`link ${request.params.code}`)
      const range = { linkId: link.id, from: new Date(fromMs), to: new Date(toMs) }
      const [labels, series, dimensions, uniques, imported, conversions] = await Promise.all([
        sumLabels(db, range),
        humanSeries(db, range, interval),
        sumDimensions(db, range),
        countUniques(db, range),
        findImportedTotal(db, link.id),
        conversionsOfLink(db, range),
      ])
      return {
        ...buildLinkStats({ code: link.code, fromMs, toMs, interval, labels, series, dimensions, uniques }),
        importedClicks: imported?.clicks ?? null,
        importedFrom: imported?.source ?? null,
        conversions: tallyConversions(conversions),
      }
    },
  )
}
