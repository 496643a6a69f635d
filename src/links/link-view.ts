import type { LinkRow } from './link-repository.ts'
import type { LinkView } from './link-schemas.ts'
import type { ResolvedLink } from './link-cache.ts'

export function toLinkView(row: LinkRow, publicUrl: string): LinkView {
  return {
    code: row.code,
    shortUrl: `${publicUrl}/${row.code}`,
    url: row.url,
    title: row.title,
    channel: row.channel,
    topics: row.topics,
    campaign: row.campaign,
    contentId: row.content_id,
    expiresAt: row.expires_at?.toISOString() ?? null,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

export function toResolvedLink(row: LinkRow): ResolvedLink {
  return { id: row.id, numericId: Number(row.id), url: row.url, expiresAtMs: row.expires_at?.getTime() ?? null, disabled: row.disabled_at !== null }
}
