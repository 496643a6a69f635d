import type { LinkRow } from '../links/link-repository.ts'
import { findChannel } from './channels.ts'
import type { ContentRow } from './content-repository.ts'
import { shareUrlsFor } from './share-intent.ts'
import type { ContentView, KitLinkView, ShareKitView } from './share-schemas.ts'

export function toContentView(row: ContentRow): ContentView {
  return { id: row.id, url: row.url, title: row.title, topics: row.topics, campaign: row.campaign, createdAt: row.created_at.toISOString() }
}

export const qrUrlOf = (publicUrl: string, code: string) => `${publicUrl}/api/v1/links/${encodeURIComponent(code)}/qr.svg`

export function toKitLinkView(row: LinkRow, publicUrl: string): KitLinkView {
  const channel = findChannel(row.channel ?? '') ?? { id: row.channel ?? '', label: row.channel ?? '', visibility: 'owned', shareMethod: 'copy', intent: null, utmMedium: 'share' }
  const shortUrl = `${publicUrl}/${row.code}`
  return {
    channel: channel.id,
    label: channel.label,
    visibility: channel.visibility,
    shareMethod: channel.shareMethod,
    code: row.code,
    shortUrl,
    url: row.url,
    ...shareUrlsFor(channel, { shortUrl, title: row.title }, qrUrlOf(publicUrl, row.code)),
  }
}

export function toShareKitView(content: ContentRow, links: readonly LinkRow[], publicUrl: string): ShareKitView {
  return { content: toContentView(content), links: links.map((l) => toKitLinkView(l, publicUrl)) }
}
