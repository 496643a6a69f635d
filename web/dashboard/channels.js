/**
 * Share channels as the product defines them (src/shares/channels.ts), for the create form's choices. The server is
 * the authority: it validates every channel sent, and its share kit answer carries the real intents.
 * @typedef {{ id: string, visibility: 'private' | 'public' | 'owned' }} Channel
 */

/** @type {Channel[]} */
export const CHANNELS = [
  ...[
    'whatsapp',
    'messenger',
    'telegram',
    'signal',
    'sms',
    'email',
    'wechat',
    'line',
    'viber',
    'slack',
    'teams',
    'discord',
    'copy',
  ].map((id) => /** @type {Channel} */ ({ id, visibility: 'private' })),
  ...['facebook', 'x', 'linkedin', 'reddit', 'pinterest', 'threads', 'bluesky', 'mastodon'].map(
    (id) => /** @type {Channel} */ ({ id, visibility: 'public' }),
  ),
  ...['newsletter', 'qr', 'web'].map((id) => /** @type {Channel} */ ({ id, visibility: 'owned' })),
]

/** What a new kit offers unless the marketer unticks it. */
export const DEFAULT_KIT_CHANNELS = [
  'whatsapp',
  'messenger',
  'telegram',
  'sms',
  'email',
  'copy',
  'facebook',
  'x',
  'linkedin',
  'qr',
]
