import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { Problem } from '../infra/problem.ts'
import { findImportedTotal } from '../imports/imported-totals.ts'
import { findLinkByCode } from '../links/link-repository.ts'
import { LinkParams } from '../links/link-schemas.ts'
import { buildLinkStats, chooseInterval, STEP_MS } from './link-stats.ts'
import { countUniques, humanSeries, sumDimensions, sumLabels } from './stats-queries.ts'

const DEFAULT_RANGE_MS = 30 * 86_400_000
const MAX_BUCKETS = 2_000

export const StatsQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  interval: z.enum(['hour', 'day']).optional(),
})

const Counts = z.record(z.string(), z.number())
export const LinkStatsView = z.object({
  code: z.string(),
  from: z.string(),
  to: z.string(),
  interval: z.enum(['hour', 'day']),
  clicks: z.number(),
  uniques: z.number(),
  dark: z.number(),
  public: z.number(),
  darkShare: z.number().nullable(),
  previews: z.number(),
  bots: z.number(),
  byMedium: Counts,
  byApp: Counts,
  byVisibility: Counts,
  previewsByApp: Counts,
  byBrowser: Counts,
  byOs: Counts,
  byDevice: Counts,
  lossLedger: z.object({ preview: z.number(), bot: z.number(), head: z.number(), prefetch: z.number() }),
  series: z.array(z.object({ t: z.string(), clicks: z.number(), dark: z.number(), public: z.number() })),
  importedClicks: z
    .number()
    .nullable()
    .describe('the click total of the tool this link was imported from (apart from clicks: it has no time or labels)'),
  importedFrom: z.string().nullable().describe('bitly, shlink, yourls, kutt or csv: where the link was imported from'),
})

/** Resolves ?from&to&interval into a bounded range; the default is the last 30 days. */
export function parseRange(q: z.infer<typeof StatsQuery>, now = Date.now()) {
  const toMs = q.to ? Date.parse(q.to) : now
  const fromMs = q.from ? Date.parse(q.from) : toMs - DEFAULT_RANGE_MS
  if (fromMs >= toMs) throw Problem.field('from', 'must be before to')
  const interval = q.interval ?? chooseInterval(fromMs, toMs)
  if ((toMs - fromMs) / STEP_MS[interval] > MAX_BUCKETS)
    throw Problem.field('interval', `the range has more than ${MAX_BUCKETS} ${interval}s; use a shorter range or interval=day`)
  return { fromMs, toMs, interval }
}

export const statsRoutes: FastifyPluginAsync = async (app) => {
  const db = app.pg

  app.withTypeProvider<ZodTypeProvider>().get('/links/:code/stats', {
    config: { scope: 'stats:read' },
    schema: {
      tags: ['stats'],
      summary: 'Clicks of one link, split dark vs public, by medium, app, browser, OS and device',
      params: LinkParams,
      querystring: StatsQuery,
      response: { 200: LinkStatsView },
    },
  }, async (request) => {
    const { fromMs, toMs, interval } = parseRange(request.query)
    const link = await findLinkByCode(db, request.params.code)
    if (!link) throw Problem.notFound(`link ${request.params.code}`)
    const range = { linkId: link.id, from: new Date(fromMs), to: new Date(toMs) }
    const [labels, series, dimensions, uniques, imported] = await Promise.all([
      sumLabels(db, range),
      humanSeries(db, range, interval),
      sumDimensions(db, range),
      countUniques(db, range),
      findImportedTotal(db, link.id),
    ])
    return {
      ...buildLinkStats({ code: link.code, fromMs, toMs, interval, labels, series, dimensions, uniques }),
      importedClicks: imported?.clicks ?? null,
      importedFrom: imported?.source ?? null,
    }
  })
}
