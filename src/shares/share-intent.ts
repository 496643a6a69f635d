import type { Channel } from './channels.ts'

/** What a kit's links are shared with: the short link, the page's title and the page itself (the link's target). */
export type ShareText = { shortUrl: string; title: string | null; page: string }
/** Per-deployment settings some intents need (FACEBOOK_APP_ID for Messenger's desktop dialog). */
export type IntentSettings = { facebookAppId?: string }
export type ShareUrls = { shareUrl: string; desktopShareUrl: string | null }

/**
 * Fills an intent template; null when it needs a setting this deployment lacks. Every value goes
 * through encodeURIComponent, which is right for query values of https, mailto (RFC 6068 wants %20,
 * not +) and sms URLs alike, and keeps `&`, `#`, emoji and right-to-left text from breaking out of
 * their parameter.
 */
export function fillIntent(
  template: string,
  { shortUrl, title, page }: ShareText,
  settings: IntentSettings = {},
): string | null {
  const values: Record<string, string | undefined> = {
    url: shortUrl,
    title: title ?? '',
    text: title ? `${title} ${shortUrl}` : shortUrl,
    page,
    facebookAppId: settings.facebookAppId,
  }
  let missing = false
  const filled = template.replace(/\{(url|title|text|page|facebookAppId)\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) missing = true
    return encodeURIComponent(value ?? '')
  })
  return missing ? null : filled
}

/**
 * What a person opens to share on `channel`: the intent URL, or the short link itself for copy
 * channels; QR channels get the link's QR image (`qrUrl`). A desktop intent that needs a setting
 * this deployment lacks is left out (the widget offers to copy the link on desktop instead).
 */
export function shareUrlsFor(
  channel: Channel,
  text: ShareText,
  qrUrl: string,
  settings: IntentSettings = {},
): ShareUrls {
  if (channel.shareMethod === 'qr') return { shareUrl: qrUrl, desktopShareUrl: null }
  if (!channel.intent) return { shareUrl: text.shortUrl, desktopShareUrl: null }
  return {
    shareUrl: fillIntent(channel.intent, text, settings) ?? text.shortUrl,
    desktopShareUrl: channel.desktopIntent ? fillIntent(channel.desktopIntent, text, settings) : null,
  }
}
