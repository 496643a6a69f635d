/**
 * Link-preview fetchers: an app fetching a shared link to draw its card. Each fetch is evidence that the
 * link was shared into that app. Rows are tried in order, so a fetcher that borrows another's token comes
 * first (iMessage, KakaoTalk and NAVER send "facebookexternalhit"; Telegram says "like TwitterBot").
 */
export type LinkPreviewFetcher = { app: string | null; name: string; pattern: RegExp }

export const LINK_PREVIEW_FETCHERS: readonly LinkPreviewFetcher[] = [
  // Apple Messages: an old desktop Safari string with both social tokens appended.
  { app: 'imessage', name: 'iMessage', pattern: /facebookexternalhit\/1\.1 Facebot Twitterbot\/1\.0|^Messages(?:ViewService)?\/[\d.]+ CFNetwork\//i },
  { app: 'kakaotalk', name: 'KakaoTalk', pattern: /kakaotalk-scrap/i },
  { app: 'line', name: 'LINE', pattern: /line-poker/i },
  { app: 'naver', name: 'NAVER', pattern: /\bBlueno\/\d/i },
  // WhatsApp's own fetcher ("WhatsApp/2.23.20.0 A"); Signal Desktop sends the same string.
  { app: 'whatsapp', name: 'WhatsApp', pattern: /^WhatsApp\/\d/i },
  { app: 'telegram', name: 'Telegram', pattern: /\bTelegramBot\b/i },
  { app: 'slack', name: 'Slack', pattern: /\bSlack(?:bot)?-(?:LinkExpanding|ImgProxy)\b|\bSlackbot\b/i },
  { app: 'discord', name: 'Discord', pattern: /\bDiscordbot\b/i },
  { app: 'skype', name: 'Skype', pattern: /\bSkypeUriPreview\b/i },
  // Teams, Outlook and other Microsoft 365 apps share one unfurler.
  { app: 'teams', name: 'Microsoft Teams', pattern: /\bMicrosoftPreview\b|\bTeams(?:Bot|-?Preview)\b/i },
  // Outlook for Windows draws a card for a link pasted into a message, with Office's own HTTP client.
  { app: 'outlook', name: 'Outlook', pattern: /^Microsoft Office\/[\d.]+ \([^)]*\bMicrosoft Outlook\b/ },
  // A messenger's native HTTP stack (no browser prefix) is its preview fetcher: "Viber/20.9 CFNetwork/1410".
  { app: 'viber', name: 'Viber', pattern: /^Viber(?:\/\d|$)/i },
  { app: 'snapchat', name: 'Snapchat', pattern: /\bSnap URL Preview\b/i },
  {
    app: 'facebook',
    name: 'Facebook',
    // Not meta-externalagent/-ads nor FacebookBot: those crawl for AI and ads, nobody shared anything.
    pattern: /\bfacebook(?:externalhit|externalua|platform|scraper|catalog)\b|\bFacebot\b|\bmeta-external(?:hit|fetcher)\b/i,
  },
  { app: 'x', name: 'X', pattern: /\bTwitterbot\b/i },
  { app: 'linkedin', name: 'LinkedIn', pattern: /\bLinkedInBot\b/i },
  { app: 'pinterest', name: 'Pinterest', pattern: /\bPinterestbot\b|^Pinterest\/\d/i },
  { app: 'reddit', name: 'Reddit', pattern: /\bredditbot\b/i },
  { app: 'mastodon', name: 'Mastodon', pattern: /\bMastodon\/\d|\b(?:Pleroma|Akkoma|Misskey|Pixelfed|Friendica|GoToSocial)\b/i },
  { app: 'bluesky', name: 'Bluesky', pattern: /\bBluesky Cardyb\b|\bCardyb\/\d|^bluesky-/i },
  { app: 'threads', name: 'Threads', pattern: /\bThreadsBot\b/i },
  { app: 'tumblr', name: 'Tumblr', pattern: /^Tumblr\/\d/i },
  { app: 'vk', name: 'VK', pattern: /\bvkShare\b/i },
  { app: 'ok', name: 'OK', pattern: /\bOdklBot\b/i },
  { app: 'xing', name: 'XING', pattern: /\bXING-contenttabreceiver\b|\bXing Bot\b/i },
  { app: 'zoom', name: 'Zoom', pattern: /\bZoomBot\b/i },
  { app: 'mattermost', name: 'Mattermost', pattern: /\bMattermost-Bot\b/i },
  { app: 'rocket_chat', name: 'Rocket.Chat', pattern: /^Rocket\.Chat\b|\bRocketchat\b/i },
  { app: 'nextcloud', name: 'Nextcloud Talk', pattern: /\bNextcloud Server Crawler\b/i },
  { app: 'discourse', name: 'Discourse', pattern: /\bDiscourse Forum Onebox\b/i },
  { app: 'lemmy', name: 'Lemmy', pattern: /^Lemmy\/\d/i },
  { app: 'matrix', name: 'Matrix', pattern: /\bSynapse\b.*\bmatrix\b/i },
  { app: 'google_chat', name: 'Google Chat', pattern: /\bGoogle-PageRenderer\b|developers\.google\.com\/\+\/web\/snippet/i },
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
  { app: 'yahoo_mail', name: 'Yahoo Mail', pattern: /\bYahoo Link Preview\b/i },
  // Social-media schedulers draw the card before a post goes out.
  { app: null, name: 'social scheduler', pattern: /\b(?:LoomlyBot|EveryoneSocialBot|BufferLinkPreviewBot|HootsuiteLinkPreview)\b/i },
  // Card services and unfurlers embedded in many apps and sites; the app behind them is unknown.
  {
    app: null,
    name: 'link-preview service',
    pattern: /\b(?:Embedly|Iframely|Nuzzel|Microlink|Quora Link Preview)\b|Unfurl|Link ?Preview|LinkService|RichLink|MetaTagFetcher|URLLookup|LinkExpand/i,
  },
]

// One pass rejects the common case, a browser, before the rows are tried one by one.
const ANY_FETCHER = new RegExp(LINK_PREVIEW_FETCHERS.map(({ pattern }) => `(?:${pattern.source})`).join('|'), 'i')

export function findLinkPreviewFetcher(ua: string): LinkPreviewFetcher | null {
  if (!ANY_FETCHER.test(ua)) return null
  return LINK_PREVIEW_FETCHERS.find(({ pattern }) => pattern.test(ua)) ?? null
}
