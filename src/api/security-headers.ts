import helmet, { type FastifyHelmetOptions } from '@fastify/helmet'
import Fastify from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** @fastify/helmet's headers for our own static HTML pages (404, 410, 429, 503). */
    pageSecurityHeaders: Readonly<Record<string, string>>
  }
}

// Our pages are one inline <style> and text: nothing may load, run, frame them or be submitted.
export const PAGE_HELMET: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: ["'unsafe-inline'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'no-referrer' },
}

// Swagger UI loads its own scripts and styles and draws inline styles; no upgrade-insecure-requests, or
// the UI breaks when served over plain http on localhost.
export const DOCS_HELMET: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
  },
  referrerPolicy: { policy: 'no-referrer' },
}

const NOT_SECURITY_HEADERS = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive'])

/**
 * The headers @fastify/helmet sets for a route with these options, worked out once at start: static
 * pages need the same set every time, and registering helmet at the root would run its hooks on every
 * request, the 302 hot path included.
 */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false })
  try {
    await probe.register(helmet, options)
    probe.get('/', async () => '')
    const res = await probe.inject('/')
    return Object.fromEntries(
      Object.entries(res.headers)
        .filter(([name, value]) => !NOT_SECURITY_HEADERS.has(name) && typeof value === 'string')
        .map(([name, value]) => [name, value as string]),
    )
  } finally {
    await probe.close()
  }
}

/** Decorates the app with the page headers; the redirect's 404/410 pages apply them. */
export const pageSecurityPlugin = fp(
  async (app) => {
    app.decorate('pageSecurityHeaders', Object.freeze(await helmetHeaders(PAGE_HELMET)))
  },
  { name: 'page-security' },
)
