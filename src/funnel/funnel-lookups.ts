import { LRUCache } from 'lru-cache'
import type { Queryable } from '../infra/pool.ts'
import { withLastAnswer } from '../infra/last-answer.ts'

const MAX_ENTRIES = 10_000
// A link retired elsewhere is seen within this long; a kit made since an unknown answer, within UNKNOWN_TTL_MS.
const TTL_MS = 60_000
const UNKNOWN_TTL_MS = 5_000

type ContentRef = { id: string } | { id: null }
type LinkRef = { linkId: string | null }

/**
 * What a beacon names, resolved to ids: a content by its URL, and a kit link by its code. Bounded
 * caches (unknown answers too), so a popular article's beacons ask Postgres once a minute, not per beacon.
 */
export function createFunnelLookups(db: Queryable) {
  const contents = new LRUCache<string, ContentRef>({
    max: MAX_ENTRIES,
    ttl: TTL_MS,
    // An outage keeps the last answer rather than refusing beacons (infra/last-answer.ts).
    fetchMethod: withLastAnswer(async (url, _stale, { options }) => {
      const { rows } = await db.query('select id from contents where url = $1', [url])
      if (!rows[0]) options.ttl = UNKNOWN_TTL_MS
      return { id: rows[0]?.id ?? null }
    }),
  })
  // Keyed by content and code: one code may live on several short domains, a kit's links on one of them.
  const links = new LRUCache<string, LinkRef>({
    max: MAX_ENTRIES,
    ttl: TTL_MS,
    fetchMethod: withLastAnswer(async (key, _stale, { options }) => {
      const space = key.indexOf(' ')
      const { rows } = await db.query(
        'select id from links where content_id = $1 and code = $2 and disabled_at is null',
        [key.slice(0, space), key.slice(space + 1)],
      )
      if (!rows[0]) options.ttl = UNKNOWN_TTL_MS
      return { linkId: rows[0]?.id ?? null }
    }),
  })
  // Fresh answers only, and a stale entry is left in place as the last answer for an outage.
  const fresh = { noDeleteOnStaleGet: true }
  return {
    /** The content whose kit has this URL, or null. */
    contentIdOf: async (url: string): Promise<string | null> => (await contents.fetch(url))?.id ?? null,
    /** The link of this code when it belongs to the content's kit, or null. */
    kitLinkOf: async (code: string, contentId: string): Promise<string | null> =>
      (await links.fetch(`${contentId} ${code}`))?.linkId ?? null,
    /** contentIdOf's answer when this instance holds a fresh one, without waiting; undefined when it does not. */
    cachedContentIdOf: (url: string): string | null | undefined => contents.get(url, fresh)?.id,
    /** kitLinkOf's answer when this instance holds a fresh one, without waiting; undefined when it does not. */
    cachedKitLinkOf: (code: string, contentId: string): string | null | undefined =>
      links.get(`${contentId} ${code}`, fresh)?.linkId,
  }
}

export type FunnelLookups = ReturnType<typeof createFunnelLookups>
