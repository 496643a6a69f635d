import { z } from 'zod'

// Fastify response schemas keyed by media type, as fastify-type-provider-zod and @fastify/swagger read them:
// the description becomes the OpenAPI response's, the media types its content. Strings and buffers sent
// with their own content type (CSV, images) are never serialized, so these schemas only document.

// Any payload to TypeScript (a string, a Buffer or a stream is sent as it is), a string to OpenAPI.
const body = (encoding: 'text' | 'binary', description: string) =>
  z.any().meta({
    type: 'string',
    description,
    ...(encoding === 'binary' ? { contentMediaType: 'application/octet-stream' } : {}),
  })

/** A JSON answer and what it means (needed where a route has two success statuses, e.g. 200 vs 201). */
export const jsonAnswer = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema } },
})

/** A report: JSON, or CSV with `?format=csv` or `Accept: text/csv`. */
export const jsonOrCsvAnswer = (description: string, schema: z.ZodType) => ({
  description,
  content: {
    'application/json': { schema },
    'text/csv': { schema: body('text', 'one header row, then one row per item') },
  },
})

/** A file in one media type (CSV exports, QR images). */
export const fileAnswer = (description: string, mediaType: string) => ({
  description,
  content: { [mediaType]: { schema: body(mediaType.startsWith('text/') ? 'text' : 'binary', mediaType) } },
})
