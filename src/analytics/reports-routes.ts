import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { channelFunnels, sumFunnelByChannel, sumFunnelByTopic, topicFunnels } from '../funnel/funnel-totals.ts'
import type { DomainRegistry } from '../domains/domain-registry.ts'
import { jsonOrCsvAnswer } from '../infra/documented-answers.ts'
import { domainFilterOf } from '../links/link-domain.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import { allLinksOfContent, findContent } from '../shares/content-repository.ts'
import { ShareParams } from '../shares/share-schemas.ts'
import { toContentView } from '../shares/share-kit-view.ts'
import {
  ChannelReportQuery,
  ChannelReportView,
  ContentReportQuery,
  ContentReportView,
  CountryReportView,
  TopicReportQuery,
  TopicReportView,
} from './analytics-schemas.ts'
import { cityReportRoutes } from './city-report-routes.ts'
import { sendCsv, wantsCsv } from './csv-answer.ts'
import { linkTotalsRoutes } from './link-totals-routes.ts'
import { channelReportCsv, contentReportCsv, countryReportCsv, topicReportCsv } from './report-csv.ts'
import {
  countUniquesByTopic,
  countUniquesOfContent,
  humanSeriesOfContent,
  sumClicksByCountry,
  sumLabelsByChannel,
  sumLabelsByTopic,
  sumLabelsOfContent,
} from './report-queries.ts'
import { buildChannelReport, buildContentReport, buildTopicReport } from './reports.ts'
import { parseRange } from './series.ts'

/** Topic, channel and content reports, read from rollups only; JSON, or CSV for spreadsheets. */
export const reportsRoutes: FastifyPluginAsync<{ domains: Pick<DomainRegistry, 'storedDomainOf' | 'hostOf'> }> = async (
  app,
  { domains },
) => {
  const domainOf = (host: string | undefined) => domainFilterOf(domains, host)
  const api = app.withTypeProvider<ZodTypeProvider>()
  // The read replica when there is one (READ_DATABASE_URL), else the primary.
  const db = app.reads
  await app.register(linkTotalsRoutes, { domains })
  await app.register(cityReportRoutes, { domainOf })

  api.get(
    '/reports/topics',
    {
      config: { scope: 'stats:read' },
      schema: {
        tags: ['reports'],
        summary:
          'Per topic: human clicks, dark vs public, dark share, uniques, previews by app, and the share funnel totals',
        querystring: TopicReportQuery,
        response: { 200: jsonOrCsvAnswer('the report per topic', TopicReportView), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const { fromMs, toMs } = parseRange(request.query)
      const filter = {
        from: new Date(fromMs),
        to: new Date(toMs),
        campaign: request.query.campaign,
        domain: domainOf(request.query.domain),
      }
      const [labels, uniques, funnel] = await Promise.all([
        sumLabelsByTopic(db, filter),
        countUniquesByTopic(db, filter, app.pg),
        sumFunnelByTopic(db, filter),
      ])
      const report = buildTopicReport({ fromMs, toMs, labels, uniques, funnels: topicFunnels(funnel) })
      return wantsCsv(request, request.query.format) ? sendCsv(reply, 'topics', topicReportCsv(report)) : report
    },
  )

  api.get(
    '/reports/channels',
    {
      config: { scope: 'stats:read' },
      schema: {
        tags: ['reports'],
        summary: 'Per declared channel: human clicks, the observed medium mix (declared × observed) and share actions',
        querystring: ChannelReportQuery,
        response: {
          200: jsonOrCsvAnswer('the report per declared channel', ChannelReportView),
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      const { fromMs, toMs } = parseRange(request.query)
      const { topic, campaign } = request.query
      const domain = domainOf(request.query.domain)
      const filter = { from: new Date(fromMs), to: new Date(toMs), topic, campaign, domain }
      const [labels, funnel] = await Promise.all([sumLabelsByChannel(db, filter), sumFunnelByChannel(db, filter)])
      const report = buildChannelReport({ fromMs, toMs, labels, funnels: channelFunnels(funnel) })
      return wantsCsv(request, request.query.format) ? sendCsv(reply, 'channels', channelReportCsv(report)) : report
    },
  )

  api.get(
    '/reports/countries',
    {
      config: { scope: 'stats:read' },
      schema: {
        tags: ['reports'],
        summary: "Human clicks by the visitor's country (ISO codes), over every link or a topic, campaign or domain",
        querystring: ChannelReportQuery,
        response: {
          200: jsonOrCsvAnswer('human clicks per country, most first', CountryReportView),
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      const { fromMs, toMs } = parseRange(request.query)
      const { topic, campaign } = request.query
      const range = { from: new Date(fromMs), to: new Date(toMs) }
      const filter = { ...range, topic, campaign, domain: domainOf(request.query.domain) }
      const countries = await sumClicksByCountry(db, filter, app.pg)
      const report = { from: range.from.toISOString(), to: range.to.toISOString(), countries }
      return wantsCsv(request, request.query.format) ? sendCsv(reply, 'countries', countryReportCsv(report)) : report
    },
  )

  api.get(
    '/reports/content/:id',
    {
      config: { scope: 'stats:read' },
      schema: {
        tags: ['reports'],
        summary: 'One content (share kit) across its channels, with a time series',
        params: ShareParams,
        querystring: ContentReportQuery,
        response: {
          200: jsonOrCsvAnswer('the report of the content and its channels', ContentReportView),
          ...problemResponses(404),
        },
      },
    },
    async (request, reply) => {
      const { fromMs, toMs, interval } = parseRange(request.query)
      const content = await findContent(app.pg, request.params.id)
      if (!content) throw Problem.notFound(`content ${request.params.id}`)
      const range = { contentId: content.id, from: new Date(fromMs), to: new Date(toMs) }
      const [links, labels, series, uniques] = await Promise.all([
        allLinksOfContent(db, content.id),
        sumLabelsOfContent(db, range),
        humanSeriesOfContent(db, range, interval),
        countUniquesOfContent(db, range, app.pg),
      ])
      const report = buildContentReport({
        fromMs,
        toMs,
        interval,
        // A kit's links all have a channel (shares/create-share-kit.ts).
        links: links.flatMap((l) => (l.channel ? [{ id: l.id, code: l.code, channel: l.channel }] : [])),
        labels,
        series,
        uniques,
      })
      if (wantsCsv(request, request.query.format))
        return sendCsv(reply, `content-${content.id}`, contentReportCsv(report))
      return { content: toContentView(content, domains.hostOf), ...report }
    },
  )
}
