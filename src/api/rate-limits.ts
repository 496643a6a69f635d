import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { LRUCache } from 'lru-cache'
import type { Config } from '../config.ts'
import { Problem } from '../infra/problem.ts'

/**
 * How a route is rate-limited, set in its config: `{ scope: 'shares:write', limit: 'ip-widget' }`.
 * Routes with a scope default to `key-read` (GET/HEAD) or `key-write` (the rest); routes without
 * one are not limited unless they ask. `none` opts a route out.
 */
export type RateLimitPolicy = 'key-read' | 'key-write' | 'ip-widget' | 'none'

/** What the 404/410 pages need to answer a request, or refuse it with 429. */
export type RateVerdict = { limit: number; remaining: number; resetSeconds: number; exceeded: boolean }

declare module 'fastify' {
  interface FastifyContextConfig {
    limit?: RateLimitPolicy
  }
  interface FastifyInstance {
    /** Counts one 404/410 page for the client's IP (code enumeration). */
    limitMissPage: (request: FastifyRequest) => Promise<RateVerdict>
    /** Counts one unknown, expired or revoked API key for the client's IP; throws a 429 problem past the limit. */
    limitFailedAuth: (request: FastifyRequest) => Promise<void>
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
  child() {
    return this
  }
}

const clientIp = (request: FastifyRequest) => normalizeIP(request.ip)
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
      const policy = route.config?.limit ?? (route.config?.scope ? (isRead(route.method) ? 'key-read' : 'key-write') : 'none')
      if (policy === 'none' || route.config?.rateLimit !== undefined) return
      route.config = { ...route.config, rateLimit: policies[policy] }
    })

    await app.register(rateLimit, {
      global: false,
      enableDraftSpec: true,
      store: SharedWindowStore,
      errorResponseBuilder: (_request, context) =>
        new Problem(429, 'rate-limited', 'Too many requests', `at most ${context.max} requests per ${timeWindow / 1000} s; retry in ${context.after}`),
    })

    // Misses (unknown codes, wrong keys) share one budget size, counted apart: a typo in a key must not block links.
    const perIpMisses = (prefix: string) => {
      const limiter = app.createRateLimit({ max: limits.missPages, timeWindow, keyGenerator: (r) => `${prefix}:${clientIp(r)}` })
      return async (request: FastifyRequest): Promise<RateVerdict> => {
        const v = await limiter(request)
        if (v.isAllowed) return { limit: limits.missPages, remaining: limits.missPages, resetSeconds: 0, exceeded: false }
        return { limit: v.max, remaining: v.remaining, resetSeconds: v.ttlInSeconds, exceeded: v.isExceeded }
      }
    }
    app.decorate('limitMissPage', perIpMisses('miss'))
    const failedAuth = perIpMisses('auth-fail')
    app.decorate('limitFailedAuth', async (request: FastifyRequest) => {
      const v = await failedAuth(request)
      if (!v.exceeded) return
      throw new Problem(429, 'rate-limited', 'Too many requests', `too many invalid API keys from your address; retry in ${v.resetSeconds} s`, undefined, {
        'retry-after': String(v.resetSeconds),
        'ratelimit-limit': String(v.limit),
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(v.resetSeconds),
      })
    })
  },
  { name: 'rate-limits', dependencies: ['auth'] },
)
