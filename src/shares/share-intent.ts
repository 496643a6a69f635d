import type { Channel } from './channels.ts'

export type ShareText = { shortUrl: string; title: string | null }
export type ShareUrls = { shareUrl: string; desktopShareUrl: string | null }

/**
 * Fills an intent template. Every value goes through encodeURIComponent, which is right for query
 * values of https, mailto (RFC 6068 wants %20, not +) and sms URLs alike, and keeps `&`, `#`, emoji
 * and right-to-left text from breaking out of their parameter.
 */
export function fillIntent(template: string, { shortUrl, title }: ShareText): string {
  const values: Record<string, string> = { url: shortUrl, title: title ?? '', text: title ? `${title} ${shortUrl}` : shortUrl }
  return template.replace(/\{(url|title|text)\}/g, (_, name: string) => encodeURIComponent(values[name]))
}

/**
 * What a person opens to share on `channel`: the intent URL, or the short link itself for copy
 * channels; QR channels get the link's QR image (`qrUrl`).
 */
export function shareUrlsFor(channel: Channel, text: ShareText, qrUrl: string): ShareUrls {
  if (channel.shareMethod === 'qr') return { shareUrl: qrUrl, desktopShareUrl: null }
  if (!channel.intent) return { shareUrl: text.shortUrl, desktopShareUrl: null }
  return {
    shareUrl: fillIntent(channel.intent, text),
    desktopShareUrl: channel.desktopIntent ? fillIntent(channel.desktopIntent, text) : null,
  }
}
