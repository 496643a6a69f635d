import multipart from '@fastify/multipart'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { jsonAnswer } from '../infra/documented-answers.ts'
import { Problem, ProblemDocument, problemResponses } from '../infra/problem.ts'
import type { LinkCache } from '../links/link-cache.ts'
import type { UrlPolicy } from '../links/url-policy.ts'
import { type ImportDomain, checkImportDomain } from './import-domain.ts'
import { ImportQuery, ImportSummaryView } from './import-schemas.ts'
import { ImportFormatError } from './import-record.ts'
import { runImport } from './run-import.ts'
import { type DomainRegistry, linkKeyOf } from '../domains/domain-registry.ts'
import { actorOf, recordAudit } from '../audit/record-audit.ts'

export type ImportsRoutesOptions = {
  domains: Pick<DomainRegistry, 'storedDomainOf'>
  urlPolicy: UrlPolicy
  linkCache: LinkCache
}

/** An export larger than this goes through `umbra import` (no limit there) or in parts. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024

async function readUpload(request: FastifyRequest): Promise<string> {
  if (!request.isMultipart()) {
    if (typeof request.body !== 'string' || !request.body.trim())
      throw Problem.field('body', 'send the export file: multipart/form-data, text/csv or application/json')
    return request.body
  }
  try {
    const file = await request.file({ limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10 } })
    if (!file) throw Problem.field('file', 'the multipart body has no file')
    return (await file.toBuffer()).toString('utf8')
  } catch (err) {
    // Too large stays a 413; a body busboy cannot read (no boundary, cut short) is the caller's to fix.
    if (err instanceof Problem || (err as { statusCode?: number }).statusCode === 413) throw err
    throw Problem.field('body', `not a readable multipart upload (${(err as Error).message})`)
  }
}

/** POST /imports: the same import as `umbra import`, for the dashboard; the file as multipart upload or raw body. */
export const importsRoutes: FastifyPluginAsync<ImportsRoutesOptions> = async (
  app,
  { domains, urlPolicy, linkCache },
) => {
  // Encapsulated here: the rest of the API keeps its JSON-only parsing.
  await app.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1 } })
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser(
    ['application/json', 'text/csv', 'text/plain'],
    { parseAs: 'string', bodyLimit: MAX_IMPORT_BYTES },
    (_req, body, done) => done(null, body),
  )
  app.addContentTypeParser('*', (_req, _payload, done) =>
    done(
      new Problem(
        415,
        'unsupported-media-type',
        'Unsupported media type',
        'send the export as multipart/form-data, text/csv or application/json',
      ),
    ),
  )

  app.withTypeProvider<ZodTypeProvider>().post(
    '/imports',
    {
      config: { scope: 'links:write' },
      bodyLimit: MAX_IMPORT_BYTES,
      schema: {
        tags: ['links'],
        summary: 'Import links from a Bitly, Shlink, YOURLS or Kutt export, or a CSV',
        description:
          'The export file as multipart/form-data (one file field), text/csv or application/json, at most 5 MiB. ' +
          'One transaction: a file that cannot be read changes nothing; links whose code is already here with the same target are left as they are.',
        querystring: ImportQuery,
        response: {
          200: jsonAnswer(
            'what was imported (in a dry run: what would be), and each link left out, by line',
            ImportSummaryView,
          ),
          ...problemResponses(400, 413),
          415: {
            description: 'the body is not multipart/form-data, text/csv or application/json',
            content: { 'application/problem+json': { schema: ProblemDocument } },
          },
        },
      },
    },
    async (request) => {
      const { format, dryRun, domain } = request.query
      let onlyDomain: ImportDomain | null
      try {
        onlyDomain = checkImportDomain(domain, (host) => domains.storedDomainOf(host))
      } catch (err) {
        throw Problem.field('domain', (err as Error).message)
      }
      const input = await readUpload(request)
      try {
        const { summary, createdCodes } = await runImport(app.pg, {
          format,
          input,
          dryRun,
          urlPolicy,
          domain: onlyDomain?.host,
          into: onlyDomain?.stored,
          beforeCommit: async (client, codes) => {
            const after = { format, created: codes.length, codes: codes.slice(0, 1000) }
            const entry = { entity: 'import', entityId: format, action: 'import', after }
            await recordAudit(client, { actor: actorOf(request.principal), ...entry })
          },
        })
        // A cached "unknown" must not outlive the new link.
        for (const code of createdCodes) linkCache.invalidate(linkKeyOf(onlyDomain?.stored ?? '', code))
        return summary
      } catch (err) {
        if (err instanceof ImportFormatError) throw Problem.field('file', `not a ${format} export: ${err.message}`)
        throw err
      }
    },
  )
}
