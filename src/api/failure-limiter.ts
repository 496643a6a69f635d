import { LRUCache } from 'lru-cache'
import { Problem } from '../infra/problem.ts'

/** What a limited answer says: the budget, what is left of it, and when the window ends. */
export type RateVerdict = { limit: number; remaining: number; resetSeconds: number; exceeded: boolean }

type Window = { failures: number; startMs: number }

/**
 * Failures (unknown codes, wrong keys) per client in fixed windows. A client that has spent its budget is
 * refused everything the limiter guards, right or wrong, until its window ends: otherwise the limit would
 * only hide the answers an attacker does not want. The refusal is checked before any lookup.
 */
export class FailureLimiter {
  /** Clients refused until the given time (ms): the fast path consults it only when it is not empty. */
  readonly blocked = new Map<string, number>()
  private readonly windows: LRUCache<string, Window>

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {
    this.windows = new LRUCache({ max: capacity })
  }

  /** Whether the client is refused right now (no allocation; a lapsed block is left for refusal() to drop). */
  isBlocked(clientKey: string): boolean {
    const until = this.blocked.get(clientKey)
    return until !== undefined && until > this.now()
  }

  /** The verdict refusing a client that has spent its budget, or null when it may go on. */
  refusal(clientKey: string): RateVerdict | null {
    if (this.blocked.size === 0) return null
    const until = this.blocked.get(clientKey)
    if (until === undefined) return null
    const leftMs = until - this.now()
    if (leftMs <= 0) {
      this.blocked.delete(clientKey)
      return null
    }
    return { limit: this.max, remaining: 0, resetSeconds: Math.ceil(leftMs / 1000), exceeded: true }
  }

  /** Counts one failure; the one that spends the budget still gets its answer, every later request is refused. */
  count(clientKey: string): RateVerdict {
    const now = this.now()
    let w = this.windows.get(clientKey)
    if (!w || w.startMs + this.windowMs <= now) {
      w = { failures: 0, startMs: now }
      this.windows.set(clientKey, w)
    }
    w.failures++
    const until = w.startMs + this.windowMs
    if (w.failures >= this.max) this.block(clientKey, until, now)
    return {
      limit: this.max,
      remaining: Math.max(0, this.max - w.failures),
      resetSeconds: Math.ceil((until - now) / 1000),
      exceeded: w.failures > this.max,
    }
  }

  /** Drops lapsed blocks, so the fast path's "anyone blocked?" check is false again once they pass. */
  sweep() {
    const now = this.now()
    for (const [key, until] of this.blocked) if (until <= now) this.blocked.delete(key)
  }

  private block(clientKey: string, until: number, now: number) {
    if (!this.blocked.has(clientKey) && this.blocked.size >= this.capacity) {
      this.sweep()
      // Still full: the oldest block (first inserted, first to lapse) goes.
      const oldest = this.blocked.keys().next()
      if (this.blocked.size >= this.capacity && !oldest.done) this.blocked.delete(oldest.value)
    }
    this.blocked.delete(clientKey)
    this.blocked.set(clientKey, Math.max(until, now + 1))
  }
}

/** A 429 problem for a refused client, with Retry-After and the RateLimit-* headers. */
export function tooManyProblem(verdict: RateVerdict, detail: string): Problem {
  return new Problem(
    429,
    'rate-limited',
    'Too many requests',
    `${detail}; retry in ${verdict.resetSeconds} s`,
    undefined,
    {
      'retry-after': String(verdict.resetSeconds),
      'ratelimit-limit': String(verdict.limit),
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(verdict.resetSeconds),
    },
  )
}
