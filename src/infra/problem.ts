import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { isDatabaseUnavailable } from './database.ts'

export type FieldError = { field: string; message: string }

const PROBLEM_BASE = 'https://umbra.dev/problems/'
// As the redirect's 503 page: retries back off from here.
const RETRY_AFTER_S = 5

/** An RFC 9457 problem a client can act on; thrown by handlers, rendered by problemPlugin. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title)
  }

  static validation(errors: FieldError[]) {
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ')
    return new Problem(400, 'validation', 'Invalid request', detail, errors)
  }

  static field(field: string, message: string, status = 400) {
    return new Problem(status, 'validation', 'Invalid request', `${field}: ${message}`, [{ field, message }])
  }

  static notFound(what: string) {
    return new Problem(404, 'not-found', 'Not found', `${what} does not exist`)
  }

  static conflict(detail: string, field?: string) {
    return new Problem(409, 'conflict', 'Conflict', detail, field ? [{ field, message: detail }] : undefined)
  }

  static unauthorized(detail: string) {
    return new Problem(401, 'unauthorized', 'Unauthorized', detail, undefined, { 'www-authenticate': 'Bearer' })
  }

  static forbidden(detail: string) {
    return new Problem(403, 'forbidden', 'Forbidden', detail)
  }

  static databaseUnavailable() {
    return new Problem(
      503,
      'unavailable',
      'Service unavailable',
      'the database cannot be reached right now; nothing was changed, retry shortly',
      undefined,
      {
        'retry-after': String(RETRY_AFTER_S),
      },
    )
  }
}

/** The body of every error response, as documented in OpenAPI (components.schemas.Problem). */
export const ProblemDocument = z
  .object({
    type: z.string().describe('a URI naming the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe('what went wrong, for a person to read'),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe('for invalid input: each field and why'),
    instance: z.string().describe('the path that was called'),
  })
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details (application/problem+json)',
    examples: [
      {
        type: `${PROBLEM_BASE}validation`,
        title: 'Invalid request',
        status: 400,
        detail: 'url: must be an absolute http or https URL',
        errors: [{ field: 'url', message: 'must be an absolute http or https URL' }],
        instance: '/api/v1/links',
      },
    ],
  })

const PROBLEM_WHEN: Record<number, string> = {
  400: 'invalid input: the fields and why are in `errors`',
  401: 'missing, malformed, unknown, expired or revoked API key',
  403: 'the key lacks the scope this route requires',
  404: 'no such resource',
  409: 'conflicts with an existing resource',
  413: 'the body is larger than the limit',
  415: 'the body is not application/json',
  422: 'the Idempotency-Key was used before with a different request',
  429: 'rate limit reached: see Retry-After and RateLimit-* headers',
  503: 'the database cannot be reached right now: retry after Retry-After seconds',
}

/** OpenAPI responses for the given error statuses, each an application/problem+json Problem. */
export function problemResponses(...statuses: (keyof typeof PROBLEM_WHEN)[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: PROBLEM_WHEN[status], content: { 'application/problem+json': { schema: ProblemDocument } } },
    ]),
  )
}

export function sendProblem(reply: FastifyReply, p: Problem) {
  if (p.headers) reply.headers(p.headers)
  return reply
    .code(p.status)
    .type('application/problem+json')
    .send({
      type: PROBLEM_BASE + p.slug,
      title: p.title,
      status: p.status,
      detail: p.detail ?? p.title,
      ...(p.errors ? { errors: p.errors } : {}),
      instance: reply.request.url.split('?')[0],
    })
}

/** Maps every thrown error to a problem; internal details (stacks, SQL) stay in the log. */
export function toProblem(err: FastifyError): Problem {
  if (err instanceof Problem) return err
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body'
    return Problem.validation(
      err.validation.map((v) => {
        const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.')
        const unknownKeys = (v.params as { keys?: string[] })?.keys
        const field = unknownKeys?.length
          ? unknownKeys.map((k) => (path ? `${path}.${k}` : k)).join(',')
          : path || where
        return { field, message: v.message ?? 'is invalid' }
      }),
    )
  }
  const status = err.statusCode ?? 500
  if (
    err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    err instanceof SyntaxError
  )
    return Problem.field('body', 'is not valid JSON')
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'send application/json')
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new Problem(413, 'too-large', 'Payload too large', err.message)
  if (status === 429) return new Problem(429, 'rate-limited', 'Too many requests', err.message)
  if (status >= 400 && status < 500) return new Problem(status, 'bad-request', 'Bad request', err.message)
  if (isDatabaseUnavailable(err)) return Problem.databaseUnavailable()
  return new Problem(500, 'internal', 'Internal error', 'something went wrong on our side; it has been logged')
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers too large, malformed request
 * line): answered as problems too, then the connection is closed.
 */
export function writeClientErrorProblem(err: Error & { code?: string }, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const title = STATUS_CODES[status] ?? 'Bad request'
  const slug = status === 431 ? 'headers-too-large' : status === 408 ? 'timeout' : 'bad-request'
  const body = JSON.stringify({
    type: PROBLEM_BASE + slug,
    title,
    status,
    detail: `the request could not be read (${title.toLowerCase()})`,
  })
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nconnection: close\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}

export const problemPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const problem = toProblem(err)
      // An outage is not a bug: a warning naming the error, without its stack.
      if (problem.status === 503)
        request.log.warn({ err: { message: err.message, code: err.code } }, 'database unavailable')
      else if (problem.status >= 500) request.log.error({ err }, 'request failed')
      return sendProblem(reply, problem)
    })
  },
  { name: 'problem' },
)
