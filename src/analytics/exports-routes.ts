import { Readable } from 'node:stream'
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { fileAnswer } from '../infra/documented-answers.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import { createSlots } from '../infra/slots.ts'
import type { DomainRegistry } from '../domains/domain-registry.ts'
import { domainFilterOf, storedDomainOrNotFound } from '../links/link-domain.ts'
import { findLinkByCode } from '../links/link-repository.ts'
import { ExportQuery } from './analytics-schemas.ts'
import { type ClickExport, openClickExport } from './click-export.ts'
import { csvFileName } from './csv.ts'
import { parseRange } from './series.ts'

// A client told the exports are busy retries after this many seconds.
const BUSY_RETRY_AFTER_S = 10

const exportsBusy = (running: number) =>
  new Problem(
    503,
    'exports-busy',
    'Too many exports running',
    `${running} click exports are running, the most this server runs at once; retry after Retry-After seconds`,
    undefined,
    { 'retry-after': String(BUSY_RETRY_AFTER_S) },
  )

/**
 * Raw clicks as CSV, streamed: the only read of the clicks table, for people who want every row. At most
 * `maxConcurrent` run at once (each holds a read connection throughout); a reader idle for `idleTimeoutMs` is cut off.
 */
export const exportsRoutes: FastifyPluginAsync<{
  fetchRows?: number
  maxConcurrent: number
  idleTimeoutMs: number
  domains: Pick<DomainRegistry, 'storedDomainOf'>
}> = async (app, { fetchRows, maxConcurrent, idleTimeoutMs, domains }) => {
  const slots = createSlots(maxConcurrent)
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
          503: {
            ...problemResponses(503)[503],
            description:
              'as many exports as the server runs at once are running, or the database cannot be reached: retry after Retry-After seconds',
          },
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
      const csv = (r: typeof reply) =>
        r
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${exportName(link, topic, fromMs, toMs)}"`)
          .header('cache-control', 'private, no-store')
      // HEAD: the GET's headers, no query opened and no slot taken (Fastify would run the export and drop it).
      if (request.method === 'HEAD') return csv(reply).send()
      const slot = slots.take()
      if (!slot) throw exportsBusy(slots.inUse())
      let exported: ClickExport
      try {
        const filter = { from: new Date(fromMs), to: new Date(toMs), linkId, topic, domain }
        exported = await openClickExport(app.reads, filter, { fetchRows, idleInTransactionMs: idleTimeoutMs * 2 })
      } catch (err) {
        slot.release()
        throw err
      }
      // A client gone mid-export: its FETCH is cancelled, then Fastify destroys the body, whose generator frees the connection.
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) exported.cancel()
      })
      const lines = cutWhenIdle(exported.lines, idleTimeoutMs, () => reply.raw.destroy())
      // One slice waits in the stream at most: the rest stays in Postgres until the client has taken it.
      const body = Readable.from(lines, { highWaterMark: 1 })
      // Closed once its generator has ended (done, or return()ed when the client went away) or was never started.
      body.once('close', () => {
        exported.dispose()
        slot.release()
      })
      return csv(reply).send(body)
    },
  )
}

/** clicks-link-<code>-…, clicks-topic-<topic>-… or clicks-all-…, with the range's days: downloads do not overwrite each other. */
const exportName = (link: string | undefined, topic: string | undefined, fromMs: number, toMs: number) =>
  csvFileName(['clicks', ...(link ? ['link', link] : topic ? ['topic', topic] : ['all'])], fromMs, toMs)

/** Passes `source` on, calling `onIdle` when its reader has not asked for the next slice within `ms`. */
async function* cutWhenIdle(source: AsyncGenerator<string>, ms: number, onIdle: () => void): AsyncGenerator<string> {
  for await (const slice of source) {
    const timer = setTimeout(onIdle, ms)
    try {
      yield slice
    } finally {
      clearTimeout(timer)
    }
  }
}
