/**
 * Link-preview fetchers: an app fetching a shared link to draw its card. Each fetch is evidence that the
 * link was shared into that app. Rows are tried in order, so a fetcher that borrows another's token comes
 * first (iMessage, KakaoTalk and NAVER send "facebookexternalhit"; Telegram says "like TwitterBot").
 */
export type LinkPreviewFetcher = { app: string | null; name: string; pattern: RegExp }

export const LINK_PREVIEW_FETCHERS: readonly LinkPreviewFetcher[] = [
  // Apple Messages: an old desktop Safari string with both social tokens appended.
  // Its share and notification extensions fetch over CFNetwork under their own bundle names:
  // "Messages/1.0", "MessagesViewService/1", "MessagesNotificationExtension/1", "com.apple.MobileSMS…".
  {
    app: 'imessage',
    name: 'iMessage',
    pattern:
      /facebookexternalhit\/1\.1 Facebot Twitterbot\/1\.0|^(?:Messages\w*|MobileSMS\w*|com\.apple\.(?:MobileSMS|messages)[\w.]*)\/[\d.]+ CFNetwork\//i,
  },
  { app: 'kakaotalk', name: 'KakaoTalk', pattern: /kakaotalk-scrap/i },
  { app: 'line', name: 'LINE', pattern: /line-poker/i },
  { app: 'naver', name: 'NAVER', pattern: /\bBlueno\/\d/i },
  // WhatsApp's own fetcher ("WhatsApp/2.23.20.0 A"); Signal Desktop sends the same string.
  { app: 'whatsapp', name: 'WhatsApp', pattern: /^WhatsApp(?:Business)?\/\d/i },
  { app: 'telegram', name: 'Telegram', pattern: /\bTelegramBot\b/i },
  { app: 'slack', name: 'Slack', pattern: /\bSlack(?:bot)?-(?:LinkExpanding|ImgProxy)\b|\bSlackbot\b/i },
  { app: 'discord', name: 'Discord', pattern: /\bDiscordbot\b/i },
  { app: 'skype', name: 'Skype', pattern: /\bSkypeUriPreview\b/i },
  // Teams, Outlook and other Microsoft 365 apps share one unfurler.
  { app: 'teams', name: 'Microsoft Teams', pattern: /\bMicrosoftPreview\b|\bTeams(?:Bot|-?Preview)\b/i },
  // Office apps check a link before opening it (and Outlook draws a card for a pasted one) with Office's
  // own HTTP client: "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Word 16.0.x; Pro)", "Microsoft Office
  // Excel 2014" (Mac), "Mozilla/4.0 (compatible; ms-office; MSOffice 16)" (Windows, product unnamed).
  // Source: Microsoft 365 "Office Existence Discovery" docs and matomo device-detector's bot fixtures.
  {
    app: 'outlook',
    name: 'Outlook',
    pattern: /\bMicrosoft (?:Office )?Outlook\b|^Outlook-Express\/\d|^Outlook-(?:iOS|Android)\/\d/,
  },
  { app: 'word', name: 'Microsoft Word', pattern: /\bMicrosoft (?:Office )?Word\b/ },
  { app: 'excel', name: 'Microsoft Excel', pattern: /\bMicrosoft (?:Office )?Excel\b/ },
  { app: 'powerpoint', name: 'Microsoft PowerPoint', pattern: /\bMicrosoft (?:Office )?PowerPoint\b/ },
  {
    app: 'microsoft_office',
    name: 'Microsoft Office',
    pattern:
      /^Microsoft Office\b|\bms-office\b|\bMSOffice \d|\bMicrosoft Office (?:Existence|Protocol) Discovery\b|^Microsoft Data Access Internet Publishing|^OneNote\/\d/i,
  },
  // Desktop mail clients' own HTTP clients fetch a link for its card or to check it: Apple Mail
  // ("Mail/3826 CFNetwork/…"), eM Client, Mailbird, Spark, Airmail, Canary. Thunderbird and Postbox send
  // their Gecko browser's string: that is their built-in browser, a person reading.
  {
    app: 'apple_mail',
    name: 'Apple Mail',
    pattern: /^(?:Mail|MobileMail|com\.apple\.mail[\w.]*)\/[\d.]+ (?:CFNetwork|\()/,
  },
  {
    app: null,
    name: 'mail client',
    pattern: /^(?:eM Client|Mailbird|Airmail|Canary ?Mail|Spark|Newton|Spike|Superhuman|Mimestream)\/\d/i,
  },
  // A messenger's native HTTP stack (no browser prefix) is its preview fetcher: "Viber/20.9 CFNetwork/1410".
  { app: 'viber', name: 'Viber', pattern: /^Viber(?:\/\d|$)/i },
  // Snap's preview service, also when fetched through its proxy on a cloud platform ("…; snapchat; …").
  // Snap's fetchers also run on Google App Engine, which names the app id ("appid: s~snap-…").
  {
    app: 'snapchat',
    name: 'Snapchat',
    pattern:
      /\bSnap URL Preview\b|\bcompatible;[^)]*\bsnapchat\b|\bSnapchat(?:Bot|Preview)\b|\bAppEngine-Google;.*\bappid: (?:s~)?snap/i,
  },
  {
    app: 'facebook',
    name: 'Facebook',
    // Not meta-externalagent/-ads nor FacebookBot: those crawl for AI and ads, nobody shared anything.
    pattern:
      /\bfacebook(?:externalhit|externalua|platform|scraper|catalog)\b|\bFacebot\b|\bmeta-external(?:hit|fetcher)\b/i,
  },
  { app: 'x', name: 'X', pattern: /\bTwitterbot\b/i },
  { app: 'linkedin', name: 'LinkedIn', pattern: /\bLinkedInBot\b/i },
  { app: 'pinterest', name: 'Pinterest', pattern: /\bPinterestbot\b|^Pinterest\/\d/i },
  { app: 'reddit', name: 'Reddit', pattern: /\bredditbot\b/i },
  // Fediverse servers fetch a link for its card when a post arrives: Mastodon and the software that
  // speaks to it (software names from the-federation.info's list of projects).
  {
    app: 'mastodon',
    name: 'Mastodon',
    pattern:
      /\bMastodon\/\d|\b(?:Pleroma|Akkoma|Misskey|Sharkey|Calckey|Firefish|Iceshrimp|Foundkey|Pixelfed|Friendica|GoToSocial|Hubzilla|PeerTube|Takahe|Mitra|snac|Bonfire|Hometown|Glitch-?soc|Kbin|Mbin|PieFed|WriteFreely|BookWyrm|Mobilizon|diaspora)\/[\d.v]|\b(?:Pleroma|Akkoma|Misskey|GoToSocial)\b/i,
  },
  { app: 'bluesky', name: 'Bluesky', pattern: /\bCardyb\b|^bluesky-|\bBluesky\b|\bbsky\.app\b/i },
  { app: 'threads', name: 'Threads', pattern: /\bThreadsBot\b/i },
  { app: 'tumblr', name: 'Tumblr', pattern: /^Tumblr\/\d/i },
  { app: 'vk', name: 'VK', pattern: /\bvkShare\b/i },
  { app: 'ok', name: 'OK', pattern: /\bOdklBot\b/i },
  { app: 'xing', name: 'XING', pattern: /\bXING-contenttabreceiver\b|\bXing Bot\b/i },
  // Zoom's card fetcher points at zoom.us; SEOZoom's crawler is also called "zoombot".
  {
    app: 'zoom',
    name: 'Zoom',
    pattern: /\bZoom(?:Bot|-?Preview|Unfurl)\b.*\bzoom\.us\b|\bZoom Video Communications\b/i,
  },
  { app: 'mattermost', name: 'Mattermost', pattern: /\bMattermost-Bot\b/i },
  { app: 'rocket_chat', name: 'Rocket.Chat', pattern: /^Rocket\.Chat\b|\bRocketchat\b/i },
  { app: 'nextcloud', name: 'Nextcloud Talk', pattern: /\bNextcloud Server Crawler\b/i },
  { app: 'discourse', name: 'Discourse', pattern: /\bDiscourse Forum Onebox\b/i },
  { app: 'lemmy', name: 'Lemmy', pattern: /^Lemmy\/\d/i },
  { app: 'matrix', name: 'Matrix', pattern: /\bSynapse\b.*\bmatrix\b/i },
  {
    app: 'google_chat',
    name: 'Google Chat',
    pattern: /\bGoogle-PageRenderer\b|developers\.google\.com\/\+\/web\/snippet/i,
  },
  { app: 'keybase', name: 'Keybase', pattern: /\bKeybaseBot\b/i },
  { app: 'asana', name: 'Asana', pattern: /^Asana\/\d/i },
  { app: 'notion', name: 'Notion', pattern: /^Notion\/\d/i },
  { app: 'clickup', name: 'ClickUp', pattern: /\bClickUp\w*Unfurl/i },
  { app: 'evernote', name: 'Evernote', pattern: /\bEvernote\w*Bot\b/i },
  { app: 'medium', name: 'Medium', pattern: /\bMediumbot\b/i },
  { app: 'dingtalk', name: 'DingTalk', pattern: /\bDingTalkBot\b/i },
  { app: 'groupme', name: 'GroupMe', pattern: /\bGroupMeBot\b/i },
  { app: 'chatwork', name: 'Chatwork', pattern: /\bChatwork\b/i },
  { app: 'steam', name: 'Steam chat', pattern: /\bSteamChatURLLookup\b/i },
  { app: 'revolt', name: 'Revolt', pattern: /\bJanuary\/\d.*\brevolt\b/i },
  { app: 'hatena', name: 'Hatena', pattern: /^Hatena\b/i },
  { app: 'flipboard', name: 'Flipboard', pattern: /\bFlipboardProxy\b/i },
  { app: 'yahoo_mail', name: 'Yahoo Mail', pattern: /\bYahoo Link Preview\b|^Yahoo:LinkExpander\b/i },
  // Smaller networks' card fetchers (names from their developer docs and crawler-user-agents' list).
  { app: 'plurk', name: 'Plurk', pattern: /\bPlurkbot\b/i },
  { app: 'mixi', name: 'mixi', pattern: /\bmixi(?:-|_)?(?:check|news|bot)\b/i },
  { app: 'kakaostory', name: 'KakaoStory', pattern: /\bkakaostory-og-reader\b/i },
  { app: 'weibo', name: 'Weibo', pattern: /\bWeibo(?:Bot|Spider)\b|\bsina-?weibo-?crawler\b/i },
  {
    app: 'farcaster',
    name: 'Farcaster',
    pattern: /\b(?:Farcaster|Warpcast)(?:Bot)?\/?\d?\b.*\b(?:preview|frame|embed)|\bFarcasterBot\b/i,
  },
  { app: 'truth_social', name: 'Truth Social', pattern: /\bTruthSocial\w*\/\d/i },
  { app: 'minds', name: 'Minds', pattern: /\bMinds(?:Bot)?\/\d.*\bminds\.com/i },
  { app: 'gab', name: 'Gab', pattern: /\bGabBot\b/i },
  { app: 'bitrix24', name: 'Bitrix24', pattern: /\bBitrix(?:24)? ?(?:Link|URL) ?Preview\b/i },
  { app: 'wire', name: 'Wire', pattern: /\bWire(?:Bot)? ?Link ?Preview\b/i },
  // Social-media schedulers draw the card before a post goes out.
  {
    app: null,
    name: 'social scheduler',
    pattern: /\b(?:LoomlyBot|EveryoneSocialBot|BufferLinkPreviewBot|HootsuiteLinkPreview)\b/i,
  },
  // Card services and unfurlers embedded in many apps and sites; the app behind them is unknown.
  {
    app: null,
    name: 'link-preview service',
    pattern:
      /\b(?:Embedly|Iframely|Nuzzel|Microlink|Quora Link Preview)\b|Unfurl|Link[ _-]?Preview|\bURL[ _-]?Preview|LinkService|RichLink|MetaTagFetcher|URLLookup|LinkExpand/i,
  },
]

// One pass rejects the common case, a browser, before the rows are tried one by one.
const ANY_FETCHER = new RegExp(LINK_PREVIEW_FETCHERS.map(({ pattern }) => `(?:${pattern.source})`).join('|'), 'i')

export function findLinkPreviewFetcher(ua: string): LinkPreviewFetcher | null {
  if (ANY_FETCHER.test(ua)) {
    const row = LINK_PREVIEW_FETCHERS.find(({ pattern }) => pattern.test(ua))
    if (row) return row
  }
  return ua.startsWith('Mozilla/') ? null : findMessengerHttpClient(ua)
}

/**
 * Messengers' own HTTP stacks: a user agent that starts with the app's product token, not a browser's,
 * is the app fetching the link to draw its card ("Snapchat/12.64.0.65 (iPhone; iOS 16.0; Scale/3.00)",
 * "Signal-Android/7.10.2 Android/34", "Telegram/10.2 CFNetwork/1490 Darwin/23.2.0"). So is an iOS app
 * extension fetching over CFNetwork ("WhatsAppShareExtension/1 CFNetwork/…"): extensions run when a
 * link is shared or a notification with a link arrives. Names are compared without case, punctuation or
 * a platform suffix, so "Signal-Desktop" and "signal" are one app.
 */
// Product names whose app id is not the name itself.
const APP_IDS: Record<string, string> = {
  whatsappbusiness: 'whatsapp',
  teams: 'teams',
  microsoftteams: 'teams',
  weixin: 'wechat',
  micromessenger: 'wechat',
  zoomus: 'zoom',
  messages: 'imessage',
  mobilesms: 'imessage',
  googlemessages: 'google_messages',
  rocketchat: 'rocket_chat',
  googlechat: 'google_chat',
  webexteams: 'webex',
}
const APP_PRODUCT = /^([A-Za-z][\w.-]*(?: [A-Za-z][\w.-]*)?)(?:\/[\w.-]+|$| \(| v?\d)/
const IOS_EXTENSION = /(?:(?:Share|Notification\w*|Intents?|Action|Widget)(?:Extension)?|Extension)$/
const PLATFORM_SUFFIX = /(?:android|ios|iphone|ipad|desktop|mobile|mac|windows|win|lite|web|app)+$/
const MESSENGERS: ReadonlyMap<string, { app: string; name: string }> = new Map(
  Object.entries({
    whatsapp: 'WhatsApp',
    whatsappbusiness: 'WhatsApp',
    viber: 'Viber',
    telegram: 'Telegram',
    signal: 'Signal',
    snapchat: 'Snapchat',
    messenger: 'Messenger',
    line: 'LINE',
    kakaotalk: 'KakaoTalk',
    discord: 'Discord',
    slack: 'Slack',
    teams: 'Microsoft Teams',
    microsoftteams: 'Microsoft Teams',
    skype: 'Skype',
    wechat: 'WeChat',
    weixin: 'WeChat',
    micromessenger: 'WeChat',
    threema: 'Threema',
    element: 'Element',
    wire: 'Wire',
    zalo: 'Zalo',
    imo: 'imo',
    kik: 'Kik',
    zoom: 'Zoom',
    zoomus: 'Zoom',
    messages: 'iMessage',
    mobilesms: 'iMessage',
    googlemessages: 'Google Messages',
    mattermost: 'Mattermost',
    rocketchat: 'Rocket.Chat',
    band: 'BAND',
    icq: 'ICQ',
    tamtam: 'TamTam',
    session: 'Session',
    wickr: 'Wickr',
    googlechat: 'Google Chat',
    qq: 'QQ',
    webex: 'Webex',
    webexteams: 'Webex',
    yammer: 'Viva Engage',
    nateon: 'NateOn',
  }).map(([key, name]) => [key, { app: APP_IDS[key] ?? key, name }]),
)

function findMessengerHttpClient(ua: string): LinkPreviewFetcher | null {
  const product = APP_PRODUCT.exec(ua)?.[1]
  if (!product) return null
  const isExtension = IOS_EXTENSION.test(product) && ua.includes('CFNetwork/')
  const key = product
    .replace(IOS_EXTENSION, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
  const messenger = MESSENGERS.get(key) ?? MESSENGERS.get(key.replace(PLATFORM_SUFFIX, ''))
  if (messenger) return { ...messenger, pattern: APP_PRODUCT }
  return isExtension ? { app: null, name: `${product} app extension`, pattern: IOS_EXTENSION } : null
}
