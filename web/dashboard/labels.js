/** How the classifier's words read to a marketer, and which side of dark/public each medium is on. */

/** @type {Record<string, { label: string, dark: boolean, hint: string }>} */
export const MEDIUMS = {
  direct: { label: 'Direct', dark: true, hint: 'no referrer: pasted, typed, or opened from an app' },
  in_app: { label: 'In-app browser', dark: true, hint: "opened inside an app's embedded browser" },
  messaging: { label: 'Messaging', dark: true, hint: 'a web messenger or messaging app sent it' },
  email: { label: 'Email', dark: true, hint: 'webmail or a mail app' },
  social: { label: 'Social', dark: false, hint: 'a public social network' },
  search: { label: 'Search', dark: false, hint: 'a search engine' },
  referral: { label: 'Referral', dark: false, hint: 'another website linked to it' },
  internal: { label: 'Internal', dark: false, hint: 'your own site' },
}

export const MEDIUM_ORDER = Object.keys(MEDIUMS)

export const mediumLabel = (/** @type {string} */ id) => MEDIUMS[id]?.label ?? id

/** whatsapp → WhatsApp; unknown ids are shown as given. */
const APP_NAMES = /** @type {Record<string, string>} */ ({
  whatsapp: 'WhatsApp',
  messenger: 'Messenger',
  facebook: 'Facebook',
  instagram: 'Instagram',
  tiktok: 'TikTok',
  telegram: 'Telegram',
  signal: 'Signal',
  sms: 'SMS',
  imessage: 'iMessage',
  email: 'Email',
  gmail: 'Gmail',
  outlook: 'Outlook',
  yahoo_mail: 'Yahoo Mail',
  linkedin: 'LinkedIn',
  x: 'X',
  twitter: 'X (Twitter)',
  slack: 'Slack',
  teams: 'Teams',
  discord: 'Discord',
  skype: 'Skype',
  viber: 'Viber',
  line: 'LINE',
  wechat: 'WeChat',
  snapchat: 'Snapchat',
  pinterest: 'Pinterest',
  reddit: 'Reddit',
  threads: 'Threads',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  kakaotalk: 'KakaoTalk',
  google: 'Google',
  bing: 'Bing',
  duckduckgo: 'DuckDuckGo',
  copy: 'Copy link',
  qr: 'QR code',
  newsletter: 'Newsletter',
  web: 'Web',
  unknown: 'Unknown',
})

export const appLabel = (/** @type {string} */ id) => APP_NAMES[id] ?? id
export const channelLabel = appLabel
