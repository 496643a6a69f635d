import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { parseRange } from '../analytics/series.ts'
import { jsonAnswer, jsonOrCsvAnswer } from '../infra/documented-answers.ts'
import type { DomainRegistry } from '../domains/domain-registry.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import { domainFilterOf } from '../links/link-domain.ts'
import type { ClickReferences } from './click-reference.ts'
import { conversionReportCsv } from './conversion-csv.ts'
import { conversionsOf, findClick, humanClicksByChannel, recordConversion } from './conversion-queries.ts'
import { ConversionReportQuery, ConversionReportView, ConversionView, RecordConversion } from './conversion-schemas.ts'
import { buildConversionReport } from './conversion-tally.ts'
import { toConversionView } from './conversion-view.ts'

export type ConversionsRoutesOptions = {
  references: ClickReferences
  domains: Pick<DomainRegistry, 'storedDomainOf'>
}

// A conversion can be reported before its click's batch reached Postgres (a second or so, longer in an
// outage): within this time of the click, an unknown reference is "not yet" (409, retry), not "unknown".
const RECENT_CLICK_S = 600

const wantsCsv = (request: FastifyRequest, format: string | undefined) =>
  format === 'csv' || (format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ''))
const sendCsv = (reply: FastifyReply, csv: string) =>
  reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', 'attachment; filename="conversions.csv"')
    .send(csv as never)

/** Conversions reported by sites with a click reference, and the report of them. */
export const conversionsRoutes: FastifyPluginAsync<ConversionsRoutesOptions> = async (app, { references, domains }) => {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const db = app.pg

  api.post(
    '/conversions',
    {
      config: { scope: 'conversions:write' },
      schema: {
        tags: ['conversions'],
        summary: "Record a conversion (lead, sale, …) of a click; it inherits the click's labels",
        body: RecordConversion,
        response: {
          201: jsonAnswer('recorded', ConversionView),
          200: jsonAnswer('already recorded with this externalId: the first one', ConversionView),
          ...problemResponses(400, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const body = request.body
      const ref = references.decode(body.click)
      if (!ref) throw Problem.field('click', 'is not a click reference this server issued')
      const click = await findClick(db, ref.clickId, ref.second)
      if (!click) {
        if (Date.now() / 1000 - ref.second < RECENT_CLICK_S)
          throw new Problem(
            409,
            'click-not-recorded-yet',
            'Click not recorded yet',
            'the click is not in the database yet: retry in a few seconds',
            undefined,
            { 'retry-after': '2' },
          )
        throw Problem.notFound('click of this reference')
      }
      const { created, row } = await recordConversion(db, {
        clickId: ref.clickId,
        click,
        event: body.event,
        value: body.value ?? null,
        currency: body.currency ?? null,
        externalId: body.externalId ?? null,
      })
      return reply.code(created ? 201 : 200).send(toConversionView(row))
    },
  )

  api.get(
    '/reports/conversions',
    {
      config: { scope: 'stats:read' },
      schema: {
        tags: ['reports'],
        summary: 'Conversions and value by channel × medium and by topic, dark share, conversion rate per channel',
        querystring: ConversionReportQuery,
        response: { 200: jsonOrCsvAnswer('the conversion report', ConversionReportView), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const { fromMs, toMs } = parseRange(request.query)
      const { topic, campaign } = request.query
      const domain = domainFilterOf(domains, request.query.domain)
      const filter = { from: new Date(fromMs), to: new Date(toMs), topic, campaign, domain }
      const [rows, clicksByChannel] = await Promise.all([
        conversionsOf(app.reads, filter),
        humanClicksByChannel(app.reads, filter),
      ])
      const report = buildConversionReport({ fromMs, toMs, rows, clicksByChannel })
      return wantsCsv(request, request.query.format) ? sendCsv(reply, conversionReportCsv(report)) : report
    },
  )
}
