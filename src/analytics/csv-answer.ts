import type { FastifyReply, FastifyRequest } from 'fastify'

/** Whether a report is asked for as CSV: `?format=csv`, or `Accept: text/csv` when no format is named. */
export const wantsCsv = (request: FastifyRequest, format: string | undefined) =>
  format === 'csv' || (format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ''))

/** A report's CSV as a download named `<name>.csv`. */
export function sendCsv(reply: FastifyReply, name: string, csv: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(csv as never)
}
