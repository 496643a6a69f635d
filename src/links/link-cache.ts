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
  /** Its redirect adds the click reference to the target (conversion tracking). */
  conversionTracking?: boolean
}

/**
 * What the cache is keyed by: a code on the default domain, `host/code` on another (linkKeyOf in
 * src/domains/domain-registry.ts). The cache treats it as an opaque string; the loader splits it.
 */
export type LinkCacheKey = string

/** Loads many keys in one query; a key absent from the answer is unknown (cached as such). */
export type LoadLinks = (keys: readonly LinkCacheKey[]) => Promise<ReadonlyMap<LinkCacheKey, ResolvedLink>>

export type LinkCache = ReturnType<typeof createLinkCache>

export type LinkCacheStats = {
  size: number
  hits: number
  misses: number
  invalidations: number
  /** Queries sent to load missed keys (each for every key missed in one turn of the event loop). */
  loads: number
  /** Unknown keys held (bounded apart from the links, so a burst of them evicts no link). */
  unknown: number
}

type Entry = { link: ResolvedLink | null; freshUntil: number }
type Load = {
  promise: Promise<ResolvedLink | null>
  resolve: (l: ResolvedLink | null) => void
  reject: (e: unknown) => void
}

// After a failed background load, the expired answer is tried again this much later, not on every hit.
const RETRY_AFTER_FAILURE_MS = 1_000
// The share of the links' room kept for links seen once; the rest holds links hit again (segmented LRU).
const PROBATION_SHARE = 0.2
// Unknown keys are held apart, in this share of the links' room: enough to stop enumeration reaching Postgres.
const UNKNOWN_SHARE = 0.1
// The most keys one load query asks for; a larger turn's misses go in several queries.
const MAX_KEYS_PER_LOAD = 1_000

function pendingLoad(): Load {
  const load = {} as Load
  load.promise = new Promise<ResolvedLink | null>((resolve, reject) => {
    load.resolve = resolve
    load.reject = reject
  })
  return load
}

/**
 * Key → link, bounded and with a TTL. An expired answer keeps serving while it is loaded again in the
 * background, so a redirect never waits on the database for a key it holds, and redirects survive an
 * outage. A changed link is dropped here by the instance that changed it, and by every other one through
 * Postgres NOTIFY (link-change-listener.ts); the TTL is only a safety net.
 *
 * Eviction keeps hot links (segmented LRU): a loaded link enters a probation segment (a fifth of the room)
 * and moves to the protected segment on its next hit; only a promotion pushes the oldest protected link
 * back to probation, where a hot link is hit and promoted again before it falls out. A burst of links
 * seen once therefore only churns probation. A hit in the protected segment is one Map lookup (no
 * reordering). Unknown keys (null answers) have their own small FIFO, so a scan of made-up codes evicts
 * no link either.
 *
 * Misses are batched: every key missed in one turn of the event loop is loaded by one query, not one
 * query per miss; concurrent misses of one key share it.
 */
export function createLinkCache(opts: { size: number; ttlMs: number; load: LoadLinks }) {
  const max = Math.max(2, opts.size)
  const probationMax = Math.max(1, Math.floor(max * PROBATION_SHARE))
  const protectedMax = max - probationMax
  const unknownMax = Math.max(1, Math.floor(max * UNKNOWN_SHARE))
  // Maps in insertion order: the first key is the one to go.
  const probation = new Map<LinkCacheKey, Entry>()
  const hot = new Map<LinkCacheKey, Entry>()
  const unknown = new Map<LinkCacheKey, Entry>()
  const loading = new Map<LinkCacheKey, Load>()
  let queued: [LinkCacheKey, Load][] = []
  // Plain counters: read by the metrics at scrape time, nothing extra on the hot path.
  let hits = 0
  let misses = 0
  let invalidations = 0
  let loads = 0

  // The last object handed out for each link with a click limit, which capture counts human clicks on. A load
  // reads the rollups, which lag by a batch, so the count carries over to the new object (it only grows).
  const limited = new Map<LinkCacheKey, ResolvedLink>()
  function carryCount(key: LinkCacheKey, link: ResolvedLink | null) {
    if (!link?.routing || link.routing.maxClicks === null) return
    const before = limited.get(key)?.routing?.humanClicks ?? 0
    link.routing.humanClicks = Math.max(link.routing.humanClicks, before)
    limited.delete(key)
    if (limited.size >= max)
      for (const oldest of limited.keys()) {
        limited.delete(oldest)
        break
      }
    limited.set(key, link)
  }

  const dropFirst = (m: Map<LinkCacheKey, Entry>) => {
    for (const key of m.keys()) return m.delete(key)
  }

  function drop(key: LinkCacheKey) {
    hot.delete(key) || probation.delete(key) || unknown.delete(key)
  }

  function store(key: LinkCacheKey, link: ResolvedLink | null) {
    const freshUntil = Date.now() + opts.ttlMs
    if (link === null) {
      drop(key)
      if (unknown.size >= unknownMax) dropFirst(unknown)
      unknown.set(key, { link, freshUntil })
      return
    }
    // A reload keeps the link where it is; a new one starts on probation.
    const held = hot.get(key) ?? probation.get(key)
    if (held !== undefined) {
      held.link = link
      held.freshUntil = freshUntil
      return
    }
    unknown.delete(key)
    if (probation.size >= probationMax) dropFirst(probation)
    probation.set(key, { link, freshUntil })
  }

  /** A second hit on probation: into the protected segment, its oldest link back to probation if full. */
  function promote(key: LinkCacheKey, e: Entry) {
    probation.delete(key)
    if (hot.size >= protectedMax)
      for (const [oldKey, old] of hot) {
        hot.delete(oldKey)
        probation.set(oldKey, old)
        break
      }
    hot.set(key, e)
  }

  async function loadQueued() {
    const turn = queued
    queued = []
    for (let i = 0; i < turn.length; i += MAX_KEYS_PER_LOAD) {
      const part = turn.slice(i, i + MAX_KEYS_PER_LOAD)
      loads++
      let found: ReadonlyMap<LinkCacheKey, ResolvedLink> | null = null
      let failure: unknown = null
      try {
        found = await opts.load([...new Set(part.map(([key]) => key))])
      } catch (err) {
        failure = err
      }
      for (const [key, load] of part) settle(key, load, found, failure)
    }
  }

  function settle(
    key: LinkCacheKey,
    load: Load,
    found: ReadonlyMap<LinkCacheKey, ResolvedLink> | null,
    failure: unknown,
  ) {
    // Invalidated while loading: this answer may predate the change, so it is not kept (its waiters get it).
    const current = loading.get(key) === load
    if (current) loading.delete(key)
    if (found !== null) {
      const link = found.get(key) ?? null
      carryCount(key, link)
      if (current) store(key, link)
      return load.resolve(link)
    }
    const stale = hot.get(key) ?? probation.get(key) ?? unknown.get(key)
    if (stale !== undefined) return load.resolve(stale.link)
    load.reject(failure)
  }

  /**
   * Loads through the cache, with this turn's other misses. When the load fails an expired answer is
   * served if there is one; otherwise it throws (the caller answers 503, not 404).
   */
  function resolve(key: LinkCacheKey): Promise<ResolvedLink | null> {
    const inFlight = loading.get(key)
    if (inFlight) return inFlight.promise
    const load = pendingLoad()
    loading.set(key, load)
    if (queued.push([key, load]) === 1) setImmediate(() => void loadQueued())
    return load.promise
  }

  /** The cached answer, expired or not (an expired one is loaded again in the background); not counted. */
  function cached(key: LinkCacheKey): ResolvedLink | null | undefined {
    let e = hot.get(key)
    if (e === undefined) {
      e = probation.get(key)
      if (e !== undefined) promote(key, e)
      else {
        e = unknown.get(key)
        if (e === undefined) return undefined
      }
    }
    if (e.freshUntil <= Date.now() && !loading.has(key)) {
      e.freshUntil = Date.now() + RETRY_AFTER_FAILURE_MS
      resolve(key).catch(() => {})
    }
    return e.link
  }

  return {
    /** The cached answer (the link, or null for an unknown key), or undefined when it must be loaded. */
    peek(key: LinkCacheKey): ResolvedLink | null | undefined {
      const link = cached(key)
      if (link === undefined) misses++
      else hits++
      return link
    },

    /** As peek, without counting: for a caller that counts its own hits (countHit) and leaves misses to peek. */
    cached,
    countHit: () => void hits++,

    resolve,

    invalidate(key: LinkCacheKey) {
      invalidations++
      drop(key)
      loading.delete(key)
    },

    clear() {
      hot.clear()
      probation.clear()
      unknown.clear()
      loading.clear()
    },

    stats: (): LinkCacheStats => ({
      size: hot.size + probation.size + unknown.size,
      hits,
      misses,
      invalidations,
      loads,
      unknown: unknown.size,
    }),
  }
}
