import { randomUUID } from 'node:crypto'
import type { FastifyServerOptions } from 'fastify'
import type { Config } from '../config.ts'

/** Secrets never reach a log line: keys, cookies, and the client address (we never store raw IPs). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-forwarded-for"]',
  'req.headers["x-real-ip"]',
  'req.headers["cf-connecting-ip"]',
  'res.headers["set-cookie"]',
  // Whatever else a component logs: headers objects, and fields named for a credential, one level deep.
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-api-key"]',
  'authorization',
  'cookie',
  'secret',
  '*.authorization',
  '*.cookie',
  '*.secret',
]

/** A destination for log lines other than stdout: anything with write(line). */
export type LogStream = { write: (line: string) => void }

// Request ids: a random prefix per process and a counter (distinct across instances and restarts in
// practice), about ten times cheaper than a UUID per request: the redirect path makes one for every click.
const REQUEST_ID_PREFIX = randomUUID().slice(0, 8)
let requestCount = 0
const nextRequestId = () => `${REQUEST_ID_PREFIX}-${(++requestCount).toString(36)}`

export function loggerOptions(
  config: Pick<Config, 'logLevel'>,
  stream?: LogStream,
): Pick<FastifyServerOptions, 'logger' | 'genReqId' | 'requestIdHeader'> {
  return {
    logger: {
      level: config.logLevel,
      ...(stream ? { stream } : {}),
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        // Fastify's default req serializer logs remoteAddress; ours leaves the IP out.
        req: (req) => ({
          method: req.method,
          url: req.url.split('?')[0],
          reqId: req.id,
          userAgent: req.headers?.['user-agent'],
        }),
      },
    },
    requestIdHeader: 'x-request-id',
    genReqId: nextRequestId,
  }
}
