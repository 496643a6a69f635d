import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { DomainRegistry } from '../domains/domain-registry.ts'
import { problemResponses } from '../infra/problem.ts'
import { domainFilterOf } from '../links/link-domain.ts'
import { jsonAnswer } from '../infra/documented-answers.ts'
import { LinkTotalsQuery, LinkTotalsView } from './analytics-schemas.ts'
import { type LinkTotalsRow, sumClicksOfCodes } from './report-queries.ts'
import { parseRange } from './series.ts'

type LinkTotals = { code: string; clicks: number; dark: number; public: number; previews: number }

/** One row per code asked for, in the order asked (zeros for a code without clicks or unknown). */
export function linkTotals(codes: string[], rows: LinkTotalsRow[]): LinkTotals[] {
  const byCode = new Map(codes.map((code) => [code, { code, clicks: 0, dark: 0, public: 0, previews: 0 }]))
  for (const r of rows) {
    const t = byCode.get(r.code)
    if (!t) continue
    if (r.kind === 'preview') t.previews += r.clicks
    else {
      t.clicks += r.clicks
      if (r.visibility === 'dark') t.dark += r.clicks
      else t.public += r.clicks
    }
  }
  return [...byCode.values()]
}

/** GET /reports/links: the click totals of a page of links at once (the dashboard's lists), from rollups. */
export const linkTotalsRoutes: FastifyPluginAsync<{ domains: Pick<DomainRegistry, 'storedDomainOf'> }> = async (
  app,
  { domains },
) => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/reports/links',
    {
      config: { scope: 'stats:read' },
      schema: {
        tags: ['reports'],
        summary: 'Click totals (dark, public, previews) of up to 200 links by code, for lists',
        querystring: LinkTotalsQuery,
        response: {
          200: jsonAnswer('one row per code asked for, zeros included', LinkTotalsView),
          ...problemResponses(400),
        },
      },
    },
    async (request) => {
      const { fromMs, toMs } = parseRange(request.query)
      const { codes } = request.query
      const range = { from: new Date(fromMs), to: new Date(toMs) }
      const rows = await sumClicksOfCodes(app.reads, codes, range, domainFilterOf(domains, request.query.domain))
      return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), links: linkTotals(codes, rows) }
    },
  )
}
