import helmet from '@fastify/helmet'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import type { RouteOptions } from 'fastify'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import { DOCS_HELMET } from './security-headers.ts'

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }
const STANDARD_PROBLEMS: Record<number, string> = {
  400: 'invalid input: the fields and why are in `errors`',
  401: 'missing, malformed, unknown, expired or revoked API key',
  403: 'the key lacks the scope this route requires (publishable keys reach shares:write routes only)',
  413: 'the body is larger than BODY_LIMIT_BYTES',
  415: 'the body is not application/json',
  429: 'rate limit reached: see the Retry-After and RateLimit-* headers',
  503: 'the database cannot be reached right now: nothing was changed; retry after Retry-After seconds',
}

/** The problems every route of its kind can answer, so no route's documentation forgets them. */
function standardProblems(route: RouteOptions): number[] {
  const schema = route.schema ?? {}
  const statuses: number[] = []
  if (schema.body || schema.querystring || schema.params) statuses.push(400)
  if (route.config?.scope) statuses.push(401, 403, 429, 503)
  if (schema.body) statuses.push(413, 415)
  return statuses
}

/** jsonSchemaTransform, plus the standard problem responses a route does not document itself. */
const transform: typeof jsonSchemaTransform = (input) => {
  const out = jsonSchemaTransform(input)
  // Pages outside /api that declare no schema (the redirect, HTML pages) are not part of the JSON API.
  if (!out.schema && !input.url.startsWith('/api/')) return { ...out, schema: { hide: true } }
  const schema = out.schema as { hide?: boolean; response?: Record<string, unknown> }
  if (!schema || schema.hide || !input.route) return out
  if (!input.route.config?.scope) (schema as { security?: unknown[] }).security = [] // public: no key needed
  const documented = schema.response ?? {}
  for (const status of standardProblems(input.route))
    if (!(status in documented)) documented[status] = { description: STANDARD_PROBLEMS[status], content: PROBLEM }
  schema.response = documented
  return out
}

/**
 * The OpenAPI 3.1 document, generated from the routes' zod schemas, at /docs/json; Swagger UI at /docs,
 * with helmet's headers on the UI's routes only.
 */
export const openApiPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Umbra API',
          version: '1.0.0',
          description:
            'Short links that measure dark social. Every call takes `Authorization: Bearer <key>`; each route names the scope it needs. ' +
            'Errors are `application/problem+json`. Reads and writes are rate-limited per key (`RateLimit-*` headers; `429` with `Retry-After`).',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API key: umb_… (or pk_… for the share widget)' } } },
        security: [{ bearer: [] }],
      },
      transform,
      transformObject: jsonSchemaTransformObject,
    })
    // Encapsulated: helmet's hooks run on the documentation's routes and nowhere else.
    await app.register(async (docs) => {
      await docs.register(helmet, DOCS_HELMET)
      await docs.register(swaggerUi, { routePrefix: '/docs' })
    })
  },
  { name: 'openapi' },
)
