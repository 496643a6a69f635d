import type { DomainRegistry } from '../domains/domain-registry.ts'
import type { LinkRow } from './link-repository.ts'
import type { LinkView } from './link-schemas.ts'
import type { ResolvedLink } from './link-cache.ts'
import { routingOf } from './link-routing.ts'

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
    rules: row.rules ?? [],
    deepLinks: row.app_targets,
    inAppEscape: row.in_app_escape,
    passwordProtected: row.password_hash !== null,
    maxClicks: row.max_clicks === null ? null : Number(row.max_clicks),
    fallbackUrl: row.fallback_url,
  }
}

/**
 * A kit link's redirect carries `#umb=<code>` (unless its target has a fragment of its own): the page
 * tag reads and removes it, so the arrival counts once, via the short link. Fragments never reach the
 * target's server, so its caching is untouched.
 */
export const redirectTargetOf = (row: Pick<LinkRow, 'url' | 'code' | 'content_id'>) =>
  row.content_id !== null && !row.url.includes('#') ? `${row.url}#umb=${row.code}` : row.url

/** `humanClicks`: the link's human clicks so far, read only for a link with a click limit. */
export function toResolvedLink(row: LinkRow, humanClicks = 0): ResolvedLink {
  return {
    id: row.id,
    numericId: Number(row.id),
    url: redirectTargetOf(row),
    expiresAtMs: row.expires_at?.getTime() ?? null,
    disabled: row.disabled_at !== null,
    routing: routingOf(row, humanClicks, (url) =>
      redirectTargetOf({ url, code: row.code, content_id: row.content_id }),
    ),
    conversionTracking: row.conversion_tracking,
  }
}
