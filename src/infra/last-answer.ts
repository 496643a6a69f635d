/**
 * Wraps an LRUCache fetchMethod so that an entry keeps its last answer while its lookup fails (Postgres
 * unreachable: nothing can change then anyway), and a lookup with no earlier answer still fails, so the caller
 * answers 503 rather than "unknown". (lru-cache's allowStaleOnFetchRejection resolves that case to undefined.)
 */
export function withLastAnswer<K, V, R extends unknown[]>(
  fetch: (key: K, stale: V | undefined, ...rest: R) => Promise<V>,
): (key: K, stale: V | undefined, ...rest: R) => Promise<V> {
  return async (key, stale, ...rest) => {
    try {
      return await fetch(key, stale, ...rest)
    } catch (err) {
      if (stale !== undefined) return stale
      throw err
    }
  }
}
