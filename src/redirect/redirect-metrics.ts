import type { Registry } from 'prom-client'
import { counterFrom, gaugeFrom } from '../infra/metrics.ts'
import type { LinkCacheStats } from '../links/link-cache.ts'

/** Answers of GET /:code by status; the route does `answered[status]++`. */
export type RedirectAnswers = {
  200: number
  302: number
  401: number
  404: number
  410: number
  429: number
  503: number
}

/** 200: a routed link's page (password form, in-app escape, app opener); 401: a wrong password. */
export const noAnswers = (): RedirectAnswers => ({ 200: 0, 302: 0, 401: 0, 404: 0, 410: 0, 429: 0, 503: 0 })

export function registerRedirectMetrics(registry: Registry, answered: RedirectAnswers, cache: () => LinkCacheStats) {
  counterFrom(registry, 'umbra_redirects_total', 'Answers of GET/HEAD /:code by status', ['status'], () =>
    (Object.keys(answered) as unknown as (keyof RedirectAnswers)[]).map((status) => [
      { status: String(status) },
      answered[status],
    ]),
  )
  counterFrom(
    registry,
    'umbra_link_cache_lookups_total',
    'Link cache lookups by result (a miss loads from Postgres)',
    ['result'],
    () => {
      const s = cache()
      return [
        [{ result: 'hit' }, s.hits],
        [{ result: 'miss' }, s.misses],
      ]
    },
  )
  gaugeFrom(registry, 'umbra_link_cache_hit_ratio', 'Link cache hits / lookups since start', () => {
    const s = cache()
    return s.hits + s.misses === 0 ? 0 : s.hits / (s.hits + s.misses)
  })
  gaugeFrom(registry, 'umbra_link_cache_entries', 'Codes in the link cache (known and unknown)', () => cache().size)
  counterFrom(
    registry,
    'umbra_link_cache_invalidations_total',
    'Links dropped from the cache because they changed (here or on another instance)',
    [],
    () => [[{}, cache().invalidations]],
  )
}
