/**
 * Where a link is meant to be shared. Private channels are the dark ones (the click arrives with no
 * referrer, from an in-app browser, a messenger or a mailbox); public ones show up in analytics;
 * owned channels are places the owner puts the link.
 */
export type ChannelVisibility = 'private' | 'public' | 'owned'

/**
 * How a person shares on a channel: open an intent URL, copy the short link, print/scan a QR code, or
 * hand the link to the device's share sheet (the app picked is inferred from what the link then sees).
 */
export type ShareMethod = 'intent' | 'copy' | 'qr' | 'native'

/**
 * One channel, as data. Intent templates take `{url}` (the short link), `{title}`, `{text}` (title and
 * link, or the link alone), `{page}` (the shared page) and `{facebookAppId}` (FACEBOOK_APP_ID); each
 * placeholder is URL-encoded when filled in.
 */
export type Channel = {
  id: string
  label: string
  visibility: ChannelVisibility
  shareMethod: ShareMethod
  /** The share intent (on mobile when `desktopIntent` differs); null for copy and QR channels. */
  intent: string | null
  /** The intent for desktop browsers, when the mobile one is an app scheme they cannot open. */
  desktopIntent?: string
  /** utm_medium used when UTM tagging is asked for. */
  utmMedium: string
}

const intent = (
  id: string,
  label: string,
  visibility: ChannelVisibility,
  utmMedium: string,
  template: string,
  desktopIntent?: string,
): Channel => ({
  id,
  label,
  visibility,
  shareMethod: 'intent',
  intent: template,
  utmMedium,
  ...(desktopIntent ? { desktopIntent } : {}),
})
const copy = (id: string, label: string, visibility: ChannelVisibility, utmMedium: string): Channel => ({
  id,
  label,
  visibility,
  shareMethod: 'copy',
  intent: null,
  utmMedium,
})

// Sources: each service's documented share URL (wa.me "click to chat", t.me/share, Facebook sharer and
// Send dialog, X Web Intents, LinkedIn share-offsite, Reddit submit, Pinterest pin builder, Threads and
// Bluesky intents, LINE URL scheme, Viber forward). Signal, WeChat, Slack, Teams, Discord and Mastodon
// have no instance-free web intent: people paste the link, so they are copy channels.
export const CHANNELS: readonly Channel[] = [
  // private
  intent('whatsapp', 'WhatsApp', 'private', 'messaging', 'https://wa.me/?text={text}'),
  // Facebook's Send dialog requires an app id, and sends the sharer back to redirect_uri (the page, not the
  // short link: that would count the sharer as a click).
  intent(
    'messenger',
    'Messenger',
    'private',
    'messaging',
    'fb-messenger://share?link={url}',
    'https://www.facebook.com/dialog/send?app_id={facebookAppId}&link={url}&redirect_uri={page}',
  ),
  intent('telegram', 'Telegram', 'private', 'messaging', 'https://t.me/share/url?url={url}&text={title}'),
  copy('signal', 'Signal', 'private', 'messaging'),
  intent('sms', 'SMS', 'private', 'sms', 'sms:?&body={text}'),
  intent('email', 'Email', 'private', 'email', 'mailto:?subject={title}&body={text}'),
  copy('wechat', 'WeChat', 'private', 'messaging'),
  intent('line', 'LINE', 'private', 'messaging', 'https://line.me/R/share?text={text}'),
  intent('viber', 'Viber', 'private', 'messaging', 'viber://forward?text={text}'),
  copy('slack', 'Slack', 'private', 'messaging'),
  copy('teams', 'Microsoft Teams', 'private', 'messaging'),
  copy('discord', 'Discord', 'private', 'messaging'),
  copy('copy', 'Copy link', 'private', 'share'),
  // The phone's share sheet (navigator.share): mostly messengers, so private.
  { id: 'native', label: 'Share…', visibility: 'private', shareMethod: 'native', intent: null, utmMedium: 'share' },
  // public
  intent('facebook', 'Facebook', 'public', 'social', 'https://www.facebook.com/sharer/sharer.php?u={url}'),
  intent('x', 'X', 'public', 'social', 'https://x.com/intent/post?url={url}&text={title}'),
  intent('linkedin', 'LinkedIn', 'public', 'social', 'https://www.linkedin.com/sharing/share-offsite/?url={url}'),
  intent('reddit', 'Reddit', 'public', 'social', 'https://www.reddit.com/submit?url={url}&title={title}'),
  intent(
    'pinterest',
    'Pinterest',
    'public',
    'social',
    'https://www.pinterest.com/pin/create/button/?url={url}&description={title}',
  ),
  intent('threads', 'Threads', 'public', 'social', 'https://www.threads.com/intent/post?text={text}'),
  intent('bluesky', 'Bluesky', 'public', 'social', 'https://bsky.app/intent/compose?text={text}'),
  copy('mastodon', 'Mastodon', 'public', 'social'),
  // owned
  copy('newsletter', 'Newsletter', 'owned', 'email'),
  { id: 'qr', label: 'QR code', visibility: 'owned', shareMethod: 'qr', intent: null, utmMedium: 'qr' },
  copy('web', 'Website', 'owned', 'referral'),
]

export const CHANNEL_IDS = CHANNELS.map((c) => c.id) as [string, ...string[]]

const BY_ID = new Map(CHANNELS.map((c) => [c.id, c]))

export function findChannel(id: string): Channel | undefined {
  return BY_ID.get(id)
}

/** The kit a CMS gets when it names no channels: the big private messengers, the big public networks, copy. */
export const DEFAULT_KIT_CHANNELS: readonly string[] = [
  'whatsapp',
  'messenger',
  'telegram',
  'sms',
  'email',
  'facebook',
  'x',
  'linkedin',
  'copy',
]
