import type { DomainRegistry } from '../domains/domain-registry.ts'
import type { LinkRow } from './link-repository.ts'
import type { LinkView } from './link-schemas.ts'
import type { ResolvedLink } from './link-cache.ts'

/** Where short URLs start and what their host is called, per domain. */
export type ShortUrls = Pick<DomainRegistry, 'baseUrlOf' | 'hostOf'>

export function toLinkView(row: LinkRow, urls: ShortUrls): LinkView {
  return {
    code: row.code,
    shortUrl: `${urls.baseUrlOf(row.domain)}/${row.code}`,
    domain: urls.hostOf(row.domain),
    url: row.url,
    title: row.title,
    channel: row.channel,
    topics: row.topics,
    campaign: row.campaign,
    contentId: row.content_id,
    expiresAt: row.expires_at?.toISOString() ?? null,
    disabled: row.disabled_at !== null,
    conversionTracking: row.conversion_tracking,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

/**
 * A kit link's redirect carries `#umb=<code>` (unless its target has a fragment of its own): the page
 * tag reads and removes it, so the arrival counts once, via the short link. Fragments never reach the
 * target's server, so its caching is untouched.
 */
export const redirectTargetOf = (row: Pick<LinkRow, 'url' | 'code' | 'content_id'>) =>
  row.content_id !== null && !row.url.includes('#') ? `${row.url}#umb=${row.code}` : row.url

export function toResolvedLink(row: LinkRow): ResolvedLink {
  return {
    id: row.id,
    numericId: Number(row.id),
    url: redirectTargetOf(row),
    expiresAtMs: row.expires_at?.getTime() ?? null,
    disabled: row.disabled_at !== null,
    conversionTracking: row.conversion_tracking,
  }
}
