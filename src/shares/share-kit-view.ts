import type { LinkRow } from '../links/link-repository.ts'
import type { ShortUrls } from '../links/link-view.ts'
import { findChannel } from './channels.ts'
import type { ContentRow } from './content-repository.ts'
import { shareUrlsFor, type IntentSettings } from './share-intent.ts'
import type { ContentView, KitLinkView, ShareKitView } from './share-schemas.ts'

export function toContentView(row: ContentRow, hostOf: (domain: string) => string): ContentView {
  return {
    id: row.id,
    url: row.url,
    title: row.title,
    topics: row.topics,
    campaign: row.campaign,
    confirmed: row.text_confirmed,
    conversionTracking: row.conversion_tracking,
    domain: hostOf(row.domain),
    createdAt: row.created_at.toISOString(),
  }
}

/** The QR code's API URL of a link's short URL; `host` names a domain other than the default. */
export const qrUrlOf = (publicUrl: string, code: string, host?: string) =>
  `${publicUrl}/api/v1/links/${encodeURIComponent(code)}/qr.svg${host ? `?domain=${encodeURIComponent(host)}` : ''}`

/**
 * Where kits' links point: the public base URL, the base URL of each short domain (a link on another domain
 * shares that domain's short URL), and the settings some intents need.
 */
export type KitUrls = { publicUrl: string; domains: ShortUrls } & IntentSettings

/** `confirmed`: whether the kit's title is its owner's (a secret key's); an unconfirmed one stays out of the intents. */
export function toKitLinkView(
  row: LinkRow,
  { publicUrl, domains, facebookAppId }: KitUrls,
  confirmed: boolean,
): KitLinkView {
  const channel = findChannel(row.channel ?? '') ?? {
    id: row.channel ?? '',
    label: row.channel ?? '',
    visibility: 'owned',
    shareMethod: 'copy',
    intent: null,
    utmMedium: 'share',
  }
  const shortUrl = `${domains.baseUrlOf(row.domain)}/${row.code}`
  return {
    channel: channel.id,
    label: channel.label,
    visibility: channel.visibility,
    shareMethod: channel.shareMethod,
    code: row.code,
    shortUrl,
    url: row.url,
    ...shareUrlsFor(
      channel,
      { shortUrl, title: confirmed ? row.title : null, page: row.url },
      qrUrlOf(publicUrl, row.code, row.domain === '' ? undefined : row.domain),
      { facebookAppId },
    ),
  }
}

export function toShareKitView(content: ContentRow, links: readonly LinkRow[], urls: KitUrls): ShareKitView {
  return {
    content: toContentView(content, urls.domains.hostOf),
    links: links.map((l) => toKitLinkView(l, urls, content.text_confirmed)),
  }
}
