import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { DomainRegistry } from '../domains/domain-registry.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import { storedDomainOrNotFound } from '../links/link-domain.ts'
import { findImportedTotal } from '../imports/imported-totals.ts'
import { findLinkByCode } from '../links/link-repository.ts'
import { LinkParams } from '../links/link-schemas.ts'
import { conversionsOfLink } from '../conversions/conversion-queries.ts'
import { tallyConversions } from '../conversions/conversion-tally.ts'
import { LinkStatsQuery, LinkStatsView } from './analytics-schemas.ts'
import { buildLinkStats } from './link-stats.ts'
import { parseRange } from './series.ts'
import { countUniques, humanSeries, sumDimensions, sumLabels } from './stats-queries.ts'

export const statsRoutes: FastifyPluginAsync<{ domains: Pick<DomainRegistry, 'storedDomainOf'> }> = async (
  app,
  { domains },
) => {
  // Aggregates from the read replica when there is one; the link itself from the primary (just created: the
  // replica may lag).
  const db = app.reads

  app.withTypeProvider<ZodTypeProvider>().get(
    '/links/:code/stats',
    {
      config: { scope: 'stats:read' },
      schema: {
        tags: ['stats'],
        summary: 'Clicks of one link, split dark vs public, by medium, app, browser, OS and device',
        params: LinkParams,
        querystring: LinkStatsQuery,
        response: { 200: LinkStatsView, ...problemResponses(404) },
      },
    },
    async (request) => {
      const { fromMs, toMs, interval } = parseRange(request.query)
      const { code } = request.params
      const link = await findLinkByCode(app.pg, code, storedDomainOrNotFound(domains, code, request.query.domain))
      if (!link) throw Problem.notFound(`link ${code}`)
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
