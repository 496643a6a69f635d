import { LRUCache } from 'lru-cache'

/** What the redirect needs to know about a code. */
export type ResolvedLink = { id: string; url: string; expiresAtMs: number | null; disabled: boolean }

// lru-cache cannot hold null: unknown codes are cached as this marker so enumeration does not reach Postgres.
const UNKNOWN = Object.freeze({ id: '', url: '', expiresAtMs: null, disabled: true }) as ResolvedLink

export type LinkCache = ReturnType<typeof createLinkCache>

export type LinkCacheStats = { size: number; hits: number; misses: number; invalidations: number }

/**
 * Code → link, bounded and with a TTL; misses are cached too. When the database is unreachable a
 * stale entry keeps serving, so redirects survive an outage. A changed link is dropped here by the
 * instance that changed it, and by every other one through Postgres NOTIFY (link-change-listener.ts).
 */
export function createLinkCache(opts: { size: number; ttlMs: number; load: (code: string) => Promise<ResolvedLink | null> }) {
  const cache = new LRUCache<string, ResolvedLink>({
    max: Math.max(1, opts.size),
    ttl: opts.ttlMs,
    updateAgeOnGet: false,
    allowStaleOnFetchRejection: true,
    noDeleteOnFetchRejection: true,
    fetchMethod: async (code) => (await opts.load(code)) ?? UNKNOWN,
  })
  // Plain counters: read by the metrics at scrape time, nothing extra on the hot path.
  let hits = 0
  let misses = 0
  let invalidations = 0
  const unwrap = (l: ResolvedLink | undefined) => (l === UNKNOWN ? null : l)
  return {
    /** Synchronous hit, or undefined when the code must be loaded. */
    peek: (code: string): ResolvedLink | null | undefined => {
      const hit = cache.get(code)
      if (hit === undefined) {
        misses++
        return undefined
      }
      hits++
      return unwrap(hit)
    },
    /**
     * Loads through the cache; concurrent misses for one code share one query. Throws when the load
     * fails with nothing stale to serve (the caller answers 503, not 404).
     */
    resolve: async (code: string): Promise<ResolvedLink | null> => {
      for (let attempt = 1; ; attempt++) {
        const status: LRUCache.Status<string, ResolvedLink> = {}
        const link = await cache.fetch(code, { status })
        if (link !== undefined) return unwrap(link) ?? null
        // An invalidation (the link just changed) aborted the load: load it again, as it is now.
        if (status.fetchAborted && attempt < 3) continue
        if (status.fetchAborted) return opts.load(code)
        throw status.fetchError ?? new Error(`loading link ${code} failed`)
      }
    },
    invalidate: (code: string) => {
      invalidations++
      cache.delete(code)
    },
    clear: () => cache.clear(),
    stats: (): LinkCacheStats => ({ size: cache.size, hits, misses, invalidations }),
  }
}
