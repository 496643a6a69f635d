import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { jsonOrCsvAnswer } from '../infra/documented-answers.ts'
import { problemResponses } from '../infra/problem.ts'
import { CityReportQuery, CityReportView } from './analytics-schemas.ts'
import { csvLine } from './csv.ts'
import { sendCsv, wantsCsv } from './csv-answer.ts'
import { sumClicksByCity } from './report-queries.ts'
import { parseRange } from './series.ts'

export type CityRow = { country: string; region: string | null; city: string; clicks: number }

/** A city dimension value ('FR/IDF/Paris', rollup-keys.ts' cityKey) as its parts: split at the first two '/'. */
export function cityOf(place: string, clicks: number): CityRow {
  const first = place.indexOf('/')
  const second = place.indexOf('/', first + 1)
  return {
    country: place.slice(0, first),
    region: place.slice(first + 1, second) || null,
    city: place.slice(second + 1),
    clicks,
  }
}

export const cityReportCsv = (cities: readonly CityRow[]) =>
  [
    csvLine(['country', 'region', 'city', 'clicks']),
    ...cities.map((c) => csvLine([c.country, c.region, c.city, c.clicks])),
  ].join('')

/** GET /reports/cities: human clicks by the visitor's city (a GEOIP_DB City database), JSON or CSV. */
export const cityReportRoutes: FastifyPluginAsync<{
  domainOf: (host: string | undefined) => string | undefined
}> = async (app, { domainOf }) => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/reports/cities',
    {
      config: { scope: 'stats:read' },
      schema: {
        tags: ['reports'],
        summary:
          "Human clicks by the visitor's city (with a GEOIP_DB City database), over every link or a topic, campaign, domain or country",
        querystring: CityReportQuery,
        response: {
          200: jsonOrCsvAnswer('human clicks per city, most first', CityReportView),
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      const { fromMs, toMs } = parseRange(request.query)
      const { topic, campaign, country } = request.query
      const range = { from: new Date(fromMs), to: new Date(toMs) }
      const filter = { ...range, topic, campaign, country, domain: domainOf(request.query.domain) }
      // Past days' sums are kept through the primary (day-cache.ts), the report read from the replica if any.
      const rows = await sumClicksByCity(app.reads, filter, app.pg)
      const cities = rows.map((r) => cityOf(r.place, r.clicks))
      if (wantsCsv(request, request.query.format)) return sendCsv(reply, 'cities', cityReportCsv(cities))
      return { from: range.from.toISOString(), to: range.to.toISOString(), cities }
    },
  )
}
