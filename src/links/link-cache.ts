import { LRUCache } from 'lru-cache'

/** What the redirect needs to know about a code. */
export type ResolvedLink = { id: string; url: string; expiresAtMs: number | null; disabled: boolean }

// lru-cache cannot hold null: unknown codes are cached as this marker so enumeration does not reach Postgres.
const UNKNOWN = Object.freeze({ id: '', url: '', expiresAtMs: null, disabled: true }) as ResolvedLink

export type LinkCache = ReturnType<typeof createLinkCache>

/**
 * Code → link, bounded and with a TTL; misses are cached too. When the database is unreachable a
 * stale entry keeps serving, so redirects survive an outage.
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
  const unwrap = (l: ResolvedLink | undefined) => (l === UNKNOWN ? null : l)
  return {
    /** Synchronous hit, or undefined when the code must be loaded. */
    peek: (code: string): ResolvedLink | null | undefined => {
      const hit = cache.get(code)
      return hit === undefined ? undefined : unwrap(hit)
    },
    /** Loads through the cache; concurrent misses for one code share one query. */
    resolve: async (code: string): Promise<ResolvedLink | null> => unwrap(await cache.fetch(code)) ?? null,
    invalidate: (code: string) => void cache.delete(code),
    clear: () => cache.clear(),
    stats: () => ({ size: cache.size }),
  }
}
