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
  403: 'the key lacks the scope this route requires (publishable keys reach the widget route only)',
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

// What a success answer means when its route does not say more (a route with both 200 and 201 must say).
const SUCCESS_MEANS: Record<string, string> = { 200: 'OK', 201: 'created', 204: 'done; no body' }

type DocumentedSchema = {
  hide?: boolean
  description?: string
  security?: unknown[]
  response?: Record<string, { description?: string; 'x-response-description'?: string; content?: unknown }>
}

/** jsonSchemaTransform, plus each route's scope and the standard problem responses a route does not document itself. */
const transform: typeof jsonSchemaTransform = (input) => {
  const out = jsonSchemaTransform(input)
  // Pages outside /api that declare no schema (the redirect, HTML pages) are not part of the JSON API.
  if (!out.schema && !input.url.startsWith('/api/')) return { ...out, schema: { hide: true } }
  const schema = out.schema as DocumentedSchema
  if (!schema || schema.hide || !input.route) return out
  const scope = input.route.config?.scope
  // OpenAPI 3.1 lets any security scheme name the scopes a call needs.
  schema.security = scope ? [{ bearer: [scope] }] : [] // public: no key needed
  const needs = scope ? `Scope: \`${scope}\`.` : 'Public: no key needed.'
  schema.description = schema.description ? `${schema.description}\n\n${needs}` : needs
  const documented = schema.response ?? {}
  for (const [status, answer] of Object.entries(documented))
    if (!answer.description && !answer['x-response-description'] && SUCCESS_MEANS[status])
      answer['x-response-description'] = SUCCESS_MEANS[status]
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
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: 'an API key: umb_… (or pk_… for the share widget)' },
          },
        },
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
