import type { LinkRouting } from './link-routing.ts'

/**
 * A link as the redirect needs it; `numericId` is `id` as a number, for binary click rows. `routing` is null
 * for a plain link (url answers every click), else its rules, app targets, password, limit and fallback.
 */
export type ResolvedLink = {
  id: string
  numericId: number
  url: string
  expiresAtMs: number | null
  disabled: boolean
  routing: LinkRouting | null
}

export type LinkCache = ReturnType<typeof createLinkCache>

export type LinkCacheStats = { size: number; hits: number; misses: number; invalidations: number }

/** A cached answer for a code: the link, or null for a code that does not exist (misses are cached too). */
type Entry = { link: ResolvedLink | null; freshUntil: number }
type Load = { promise: Promise<ResolvedLink | null> }

// After a failed background load, the expired answer is tried again this much later, not on every hit.
const RETRY_AFTER_FAILURE_MS = 1_000

/**
 * Code → link, bounded and with a TTL; unknown codes are cached too, so enumeration does not reach
 * Postgres. An expired answer keeps serving while it is loaded again in the background, so a redirect
 * never waits on the database for a code it has seen, and redirects survive an outage. A changed link
 * is dropped here by the instance that changed it, and by every other one through Postgres NOTIFY
 * (link-change-listener.ts); the TTL is only a safety net.
 *
 * A Map in insertion order, not an LRU: a hit costs one lookup and a clock read, and hot codes move to
 * the back anyway each time their TTL runs out and they are loaded again; the oldest load goes first
 * when the cache is full.
 */
export function createLinkCache(opts: {
  size: number
  ttlMs: number
  load: (code: string) => Promise<ResolvedLink | null>
}) {
  const max = Math.max(1, opts.size)
  const entries = new Map<string, Entry>()
  const loading = new Map<string, Load>()
  // Plain counters: read by the metrics at scrape time, nothing extra on the hot path.
  let hits = 0
  let misses = 0
  let invalidations = 0

  // The last object handed out for each link with a click limit, which capture counts human clicks on. A load
  // reads the rollups, which lag by a batch, so the count carries over to the new object (it only grows).
  const limited = new Map<string, ResolvedLink>()
  function carryCount(code: string, link: ResolvedLink | null) {
    if (!link?.routing || link.routing.maxClicks === null) return
    const before = limited.get(code)?.routing?.humanClicks ?? 0
    link.routing.humanClicks = Math.max(link.routing.humanClicks, before)
    limited.delete(code)
    const oldest = limited.keys().next()
    if (limited.size >= max && !oldest.done) limited.delete(oldest.value)
    limited.set(code, link)
  }

  function store(code: string, link: ResolvedLink | null) {
    entries.delete(code)
    const oldest = entries.keys().next()
    if (entries.size >= max && !oldest.done) entries.delete(oldest.value)
    entries.set(code, { link, freshUntil: Date.now() + opts.ttlMs })
  }

  /**
   * Loads through the cache; concurrent misses for one code share one query. When the load fails an
   * expired answer is served if there is one; otherwise it throws (the caller answers 503, not 404).
   */
  function resolve(code: string): Promise<ResolvedLink | null> {
    const inFlight = loading.get(code)
    if (inFlight) return inFlight.promise
    const load: Load = {
      promise: opts
        .load(code)
        .then(
          (link) => {
            carryCount(code, link)
            // Invalidated while loading: this answer may predate the change, so it is not kept.
            if (loading.get(code) === load) store(code, link)
            return link
          },
          (err) => {
            const stale = entries.get(code)
            if (stale !== undefined) return stale.link
            throw err
          },
        )
        .finally(() => {
          if (loading.get(code) === load) loading.delete(code)
        }),
    }
    loading.set(code, load)
    return load.promise
  }

  /** The cached answer, expired or not (an expired one is loaded again in the background); not counted. */
  function cached(code: string): ResolvedLink | null | undefined {
    const e = entries.get(code)
    if (e === undefined) return undefined
    if (e.freshUntil <= Date.now() && !loading.has(code)) {
      e.freshUntil = Date.now() + RETRY_AFTER_FAILURE_MS
      resolve(code).catch(() => {})
    }
    return e.link
  }

  return {
    /** The cached answer (the link, or null for an unknown code), or undefined when it must be loaded. */
    peek(code: string): ResolvedLink | null | undefined {
      const link = cached(code)
      if (link === undefined) misses++
      else hits++
      return link
    },

    /** As peek, without counting: for a caller that counts its own hits (countHit) and leaves misses to peek. */
    cached,
    countHit: () => void hits++,

    resolve,

    invalidate(code: string) {
      invalidations++
      entries.delete(code)
      loading.delete(code)
    },

    clear() {
      entries.clear()
      loading.clear()
    },

    stats: (): LinkCacheStats => ({ size: entries.size, hits, misses, invalidations }),
  }
}
