import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { csvLine } from '../analytics/csv.ts'
import { jsonOrCsvAnswer } from '../infra/documented-answers.ts'
import { decodeIdCursor, encodeIdCursor } from '../infra/id-cursor.ts'
import { problemResponses } from '../infra/problem.ts'
import { listAudit, toAuditView } from './audit-queries.ts'
import { AuditPage, AuditQuery, History, HistoryParams } from './audit-schemas.ts'

const CSV_HEADER = ['id', 'at', 'actor_kind', 'actor_id', 'actor', 'entity', 'entity_id', 'action', 'before', 'after']

/** The audit log, read-only (no route changes or deletes it): the whole log for owners and admins, one link's or kit's history for readers of links. */
export const auditRoutes: FastifyPluginAsync = async (app) => {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const db = app.pg

  api.get(
    '/audit',
    {
      config: { scope: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary:
          'Who changed what, when: newest first, by actor, entity and time (CSV with ?format=csv or Accept: text/csv)',
        querystring: AuditQuery,
        response: { 200: jsonOrCsvAnswer('a page of the audit log', AuditPage), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const { limit, cursor, format, ...filter } = request.query
      const csv = format === 'csv' || /^text\/csv/.test(request.headers.accept ?? '')
      // A CSV export is the whole filtered log (up to 100 000 rows); JSON pages.
      const pageSize = csv ? 100_000 : limit
      const rows = await listAudit(db, {
        ...filter,
        limit: pageSize + 1,
        beforeId: cursor ? decodeIdCursor(cursor) : undefined,
      })
      const page = rows.slice(0, pageSize)
      if (csv) {
        const lines = page.map((r) =>
          csvLine([
            r.id,
            r.at.toISOString(),
            r.actor_kind,
            r.actor_id,
            r.actor_name,
            r.entity,
            r.entity_id,
            r.action,
            r.before ? JSON.stringify(r.before) : '',
            r.after ? JSON.stringify(r.after) : '',
          ]),
        )
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="umbra-audit.csv"')
          .send(csvLine(CSV_HEADER) + lines.join(''))
      }
      return {
        items: page.map(toAuditView),
        nextCursor: rows.length > pageSize ? encodeIdCursor(page[page.length - 1].id) : null,
      }
    },
  )

  api.get(
    '/history/:entity/:id',
    {
      config: { scope: 'links:read' },
      schema: {
        tags: ['audit'],
        summary: "One link's or kit's history: who created it and who changed what (oldest first)",
        params: HistoryParams,
        response: { 200: History, ...problemResponses(400) },
      },
    },
    async (request) => {
      const rows = await listAudit(db, { entity: request.params.entity, entityId: request.params.id, limit: 200 })
      return { items: rows.reverse().map(toAuditView) }
    },
  )
}
