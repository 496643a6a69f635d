import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { LRUCache } from 'lru-cache'
import type { Config } from '../config.ts'
import { Problem } from '../infra/problem.ts'
import { createTwoGenerationMemo } from '../infra/two-generation-memo.ts'
import { FailureLimiter } from './failure-limiter.ts'

export type { RateVerdict } from './failure-limiter.ts'

/**
 * How a route is rate-limited, set in its config: `{ scope: 'shares:write', limit: 'ip-widget' }`.
 * Routes with a scope default to `key-read` (GET/HEAD) or `key-write` (the rest); routes without
 * one are not limited unless they ask. `none` opts a route out.
 */
export type RateLimitPolicy = 'key-read' | 'key-write' | 'ip-widget' | 'none'

declare module 'fastify' {
  interface FastifyContextConfig {
    limit?: RateLimitPolicy
  }
  interface FastifyInstance {
    /** 404/410 pages per client (code enumeration); a client past it gets 429 for every code, live ones too. */
    missPages: FailureLimiter
    /** Unknown, expired or revoked keys and sessions per client; a client past it gets 429 for every authentication. */
    failedAuth: FailureLimiter
    /**
     * For a fast path, which has no rate-limit hook: counts one request of the client against the widget's
     * per-IP limit and returns the headers the route would add (a list of names and values, as writeHead
     * takes it), or null, counting nothing, when the client is at its limit (the route then answers 429).
     */
    widgetAllowance: (clientAddress: string) => string[] | null
  }
}

// Counters live in memory, per instance: N instances behind a balancer allow N times the limit.
const MAX_COUNTERS = 100_000

type Counter = { current: number; startMs: number }
type IncrCallback = (err: Error | null, result: { current: number; ttl: number }) => void

/**
 * One fixed-window counter table for every limited route, so "writes per key" adds up across all write
 * routes (the plugin's own store would count each route apart). Keys carry the policy: `write:<key id>`.
 */
class SharedWindowStore {
  readonly counters = new LRUCache<string, Counter>({ max: MAX_COUNTERS })
  incr(key: string, cb: IncrCallback, timeWindow: number) {
    const now = Date.now()
    let counter = this.counters.get(key)
    if (!counter || counter.startMs + timeWindow <= now) {
      counter = { current: 0, startMs: now }
      this.counters.set(key, counter)
    }
    counter.current++
    cb(null, { current: counter.current, ttl: counter.startMs + timeWindow - now })
  }
  /** incr(), unless the request would go past max: then null and nothing is counted. */
  take(key: string, timeWindow: number, max: number): { current: number; ttl: number } | null {
    const now = Date.now()
    let counter = this.counters.get(key)
    if (!counter || counter.startMs + timeWindow <= now) {
      counter = { current: 0, startMs: now }
      this.counters.set(key, counter)
    } else if (counter.current >= max) return null
    counter.current++
    return { current: counter.current, ttl: counter.startMs + timeWindow - now }
  }
  child() {
    return this
  }
}

/**
 * The key every per-client limit counts by: the address itself for IPv4, its /64 for IPv6 (one subscriber's
 * whole prefix), an IPv4-mapped IPv6 address as IPv4. Use it for every per-IP counter, so none is cheaper to dodge.
 */
export function clientKey(address: string): string {
  // IPv4 as is (no regex, no parsing on the redirect and beacon paths); IPv6 parsed once per address.
  if (!address.includes(':')) return address
  let key = ipv6Keys.get(address)
  if (key === undefined) {
    key = normalizeIP(address)
    ipv6Keys.set(address, key)
  }
  return key
}
const ipv6Keys = createTwoGenerationMemo<string, string>(MAX_COUNTERS)
const clientIp = (request: FastifyRequest) => clientKey(request.ip)
const keyOrIp = (request: FastifyRequest) => request.principal?.keyId ?? `ip:${clientIp(request)}`
const isRead = (method: string | string[]) => [method].flat().every((m) => m === 'GET' || m === 'HEAD')

/** Per-key limits on API reads and writes, per-IP limits on the widget and on 404/410 pages; 429s are problems. */
export const rateLimitsPlugin = fp(
  async (app, { limits }: { limits: Config['rateLimits'] }) => {
    const timeWindow = limits.windowMs
    const policies = {
      'key-read': { max: limits.apiReads, timeWindow, keyGenerator: (r: FastifyRequest) => `read:${keyOrIp(r)}` },
      'key-write': { max: limits.apiWrites, timeWindow, keyGenerator: (r: FastifyRequest) => `write:${keyOrIp(r)}` },
      'ip-widget': { max: limits.widget, timeWindow, keyGenerator: (r: FastifyRequest) => `widget:${clientIp(r)}` },
    }

    // Runs before @fastify/rate-limit's own onRoute hook (registered below), which reads config.rateLimit.
    app.addHook('onRoute', (route) => {
      const policy =
        route.config?.limit ?? (route.config?.scope ? (isRead(route.method) ? 'key-read' : 'key-write') : 'none')
      if (policy === 'none' || route.config?.rateLimit !== undefined) return
      route.config = { ...route.config, rateLimit: policies[policy] }
    })

    const store = new SharedWindowStore()
    await app.register(rateLimit, {
      global: false,
      enableDraftSpec: true,
      // The plugin makes its store with `new`; every route and the fast paths share this one.
      store: class extends SharedWindowStore {
        constructor() {
          super()
          // biome-ignore lint/correctness/noConstructorReturn: the one shared store stands for the plugin's own
          return store
        }
      },
      errorResponseBuilder: (_request, context) =>
        new Problem(
          429,
          'rate-limited',
          'Too many requests',
          `at most ${context.max} requests per ${timeWindow / 1000} s; retry in ${context.after}`,
        ),
    })

    // Misses (unknown codes, wrong keys) share one budget size, counted apart: a typo in a key must not block links.
    const missPages = new FailureLimiter(limits.missPages, timeWindow, MAX_COUNTERS)
    const failedAuth = new FailureLimiter(limits.missPages, timeWindow, MAX_COUNTERS)
    app.decorate('widgetAllowance', (clientAddress: string) => {
      const max = limits.widget
      const taken = store.take(`widget:${clientKey(clientAddress)}`, timeWindow, max)
      // The headers @fastify/rate-limit adds (draft spec names) to an answer within the limit.
      return taken === null
        ? null
        : [
            'ratelimit-limit',
            String(max),
            'ratelimit-remaining',
            String(Math.max(0, max - taken.current)),
            'ratelimit-reset',
            String(Math.ceil(taken.ttl / 1000)),
          ]
    })
    app.decorate('missPages', missPages)
    app.decorate('failedAuth', failedAuth)
    const sweeper = setInterval(() => {
      missPages.sweep()
      failedAuth.sweep()
    }, timeWindow).unref()
    app.addHook('onClose', async () => clearInterval(sweeper))
  },
  { name: 'rate-limits', dependencies: ['auth'] },
)
