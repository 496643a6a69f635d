/**
 * In-app browsers: the web views apps open links in. Each app appends its own token to the system web
 * view's user agent. Rows are tried in order, so an app whose string contains another's token comes first
 * (Messenger carries Facebook's FBAN/FBAV; Threads carries Instagram's; Douyin carries TikTok's).
 * WeCom (wxwork) counts as WeChat: it is WeChat's business edition and sends MicroMessenger too.
 */
export type InAppBrowser = { app: string; name: string; pattern: RegExp }

export const IN_APP_BROWSERS: readonly InAppBrowser[] = [
  {
    app: 'messenger',
    name: 'Messenger',
    pattern:
      /\bFBAN\/(?:Messenger|MessengerLite)|\bFB_IAB\/(?:MESSENGER|Orca-Android)|\bMessengerLiteForiOS\b|\bMessengerForiOS\b|\bFBAN\/Orca/i,
  },
  { app: 'threads', name: 'Threads', pattern: /\bBarcelona[ /]\d/ },
  { app: 'instagram', name: 'Instagram', pattern: /(?<![a-z])Instagram[ /]\d/i },
  // FBAN/FBIOS (iOS), FB_IAB/FB4A (Android), FBAN/EMA (Facebook Lite), MetaIAB (newer builds).
  {
    app: 'facebook',
    name: 'Facebook',
    pattern: /\bFB_IAB\b|\bFBAN\/|\bFBAV\/|\bFBIOS\b|\bFB4A\b|\bMetaIAB\b|\bFBForIPhone\b/i,
  },
  // Its in-app browser marks the web view with "WA4A/2.26.30.97" (Android) or "[WAiOS/2.26.31]" (iOS);
  // source: ua-parser-js pull request #841. Its desktop app is an Electron/WebView2 window.
  { app: 'whatsapp', name: 'WhatsApp', pattern: /\bWA4A\/\d|\bWAiOS\/\d|^Mozilla\/.*\bWhatsApp(?:Business)?\/\d/i },
  { app: 'wechat', name: 'WeChat', pattern: /\bMicroMessenger\/\d|\bWeChat\/\d|\bWeixin\b/i },
  { app: 'line', name: 'LINE', pattern: /(?<![a-z])Line\/\d/i },
  { app: 'naver', name: 'NAVER', pattern: /\bNAVER\((?:inapp|higgs)|\bNAVER\/\d|\bNaverMatome\b/i },
  { app: 'douyin', name: 'Douyin', pattern: /\baweme(?:_\d|\/\d)|\bDouyin\b/i },
  { app: 'toutiao', name: 'Toutiao', pattern: /\bNewsArticle\/\d/i },
  { app: 'lark', name: 'Lark', pattern: /\b(?:Lark|Feishu)\/\d/i },
  {
    app: 'tiktok',
    name: 'TikTok',
    pattern:
      /\bmusical_ly\b|\bmusical_ly_\d|\btrill_\d|\bBytedanceWebview\b|\bByteLocale\b|\bTikTok[ /]\d|\bultralite app_version\b|\bJsSdk\/\d.*\bNetType\//i,
  },
  // Apps append their token with or without a space: "Mobile/15E148 Snapchat/13.10" and "Mobile/15E148Snapchat/13.10".
  { app: 'snapchat', name: 'Snapchat', pattern: /(?<![a-z])Snapchat[ /]?\d/i },
  { app: 'linkedin', name: 'LinkedIn', pattern: /\bLinkedInApp\b|\bLinkedIn\/\d/i },
  { app: 'x', name: 'X', pattern: /\bTwitter for i(?:Phone|Pad)\b|\bTwitterAndroid\b|\bTwitter\/\d|\bTwitterKit\b/i },
  {
    app: 'pinterest',
    name: 'Pinterest',
    pattern: /\[Pinterest\/(?:iOS|Android)\]|\bPinterest for (?:iOS|Android)\b|\bPinterestApp\b/i,
  },
  { app: 'kakaotalk', name: 'KakaoTalk', pattern: /\bKAKAOTALK\b/i },
  { app: 'kakaostory', name: 'KakaoStory', pattern: /\bKAKAOSTORY\b/i },
  { app: 'google', name: 'Google app', pattern: /\bGSA\/\d|\bGoogleApp\/\d|\bGoogle\/\d[\d.]* CFNetwork/ },
  { app: 'teams', name: 'Microsoft Teams', pattern: /\bTeams\/\d|\bTeamsMobile-(?:iOS|And)/i },
  // Viber's desktop app is a QtWebEngine window ending in a bare "Viber" (isbot's browser fixtures).
  { app: 'viber', name: 'Viber', pattern: /(?<![a-z])Viber(?:PC|Desktop)?(?:\/\d|$)|\bViber (?:Desktop|PC)\b/i },
  { app: 'telegram', name: 'Telegram', pattern: /(?<![a-z])Telegram(?:-Android)?\/\d/i },
  { app: 'slack', name: 'Slack', pattern: /\bSlack\/\d|\bSlack_SSB\/\d|\bChatlyio\/\d/i },
  { app: 'discord', name: 'Discord', pattern: /\bdiscord\/\d/i },
  { app: 'weibo', name: 'Weibo', pattern: /(?<![a-z])Weibo(?![a-z])|__weibo__/i },
  { app: 'qq', name: 'QQ', pattern: /\bQQ\/\d|\bQQTheme\b/ },
  { app: 'alipay', name: 'Alipay', pattern: /\bAlipayClient\b|\bAliApp\(AP\//i },
  { app: 'taobao', name: 'Taobao', pattern: /\bAliApp\(TB\//i },
  { app: 'dingtalk', name: 'DingTalk', pattern: /\bDingTalk\b|\bAliApp\(DingTalk/i },
  { app: 'baidu', name: 'Baidu app', pattern: /\bbaiduboxapp\b/i },
  { app: 'xiaohongshu', name: 'Xiaohongshu', pattern: /\bxhsminiapp\b|\bXiaoHongShu\b|\bdiscover\/\d.*\bNetType\//i },
  { app: 'kuaishou', name: 'Kuaishou', pattern: /\bKwai\/\d|\bKwai_Lite\b|\bKuaishou\b/i },
  { app: 'zalo', name: 'Zalo', pattern: /\bZalo(?:Theme)?\b|\bZaloApp\b/i },
  { app: 'reddit', name: 'Reddit', pattern: /\bReddit\/Version\b|\bRedditAndroid\b/i },
  {
    app: 'yahoo_japan',
    name: 'Yahoo! JAPAN',
    pattern: /\bjp\.co\.yahoo\.(?:android\.yjtop|ipn\.appli)|\bYJApp-(?:IOS|ANDROID)\b/i,
  },
  { app: 'vk', name: 'VK', pattern: /\bVKAndroidApp\b|\bVKClient\b/i },
  { app: 'flipboard', name: 'Flipboard', pattern: /\bFlipboard\/\d/i },
  { app: 'bing', name: 'Bing app', pattern: /\bBingWeb\/\d|\bBingSapphire\// },
  { app: 'daum', name: 'Daum app', pattern: /\bDaumApps\/\d/i },
  { app: 'gemini', name: 'Gemini', pattern: /\bGeminiiOS\/|\bGoogleWv\// },
  { app: 'sogou', name: 'Sogou Search app', pattern: /\bSogouSearch\b/ },
  { app: 'klarna', name: 'Klarna', pattern: /\bKlarna\/\d/ },
  { app: 'outlook', name: 'Outlook', pattern: /\bOutlook-(?:iOS|Android)\b/i },
  { app: 'gmail', name: 'Gmail', pattern: /\bGmail\/\d|\bcom\.google\.Gmail\b/i },
  { app: 'nate', name: 'Nate', pattern: /\bNateApp\b/i },
  { app: 'band', name: 'BAND', pattern: /\bBAND\/\d/ },
  { app: 'everytime', name: 'Everytime', pattern: /\beverytimeApp\b/i },
]

// One pass rejects the common case, a browser, before the rows are tried one by one.
const ANY_IN_APP_BROWSER = new RegExp(IN_APP_BROWSERS.map(({ pattern }) => `(?:${pattern.source})`).join('|'), 'i')

/** The named app whose web view sent this user agent, if its token is there. */
export function findInAppBrowser(ua: string): InAppBrowser | null {
  if (!ANY_IN_APP_BROWSER.test(ua)) return null
  return IN_APP_BROWSERS.find(({ pattern }) => pattern.test(ua)) ?? null
}

/**
 * A web view that names no app. Android's WebView says "; wv)" since Lollipop; apps on either platform
 * may name the web view outright ("Core/WKWebView"); an iOS WKWebView omits the "Safari/" token that
 * every iOS browser sends, and the app usually appends its own token ("Mobile/15E148 SomeApp/3.2").
 * A bare "Mobile/15E148" ending stays a browser: home-screen web apps and old Safari builds send it too.
 */
const ANDROID_WEBVIEW = /\bAndroid\b[^)]*; wv\)/
const WEBVIEW_TOKEN = /\b(?:WKWebView|UIWebView|WebViewApp)\b/i
const IOS_WEBVIEW_WITH_APP_TOKEN =
  /^Mozilla\/5\.0 \((?:iPhone|iPad|iPod)[^)]*\) AppleWebKit\/[\d.]+ \(KHTML, ?like Gecko\)(?!.*\bSafari\/).*\bMobile\/\w+ \S/
// Browsers built on the system web view, or that leave out "Safari/" on iOS: people in a browser.
// Most say so in their product token (Mb2345Browser, QihooBrowser, bdbrowser); the rest are listed.
const BROWSER_ON_A_WEBVIEW =
  /browser|\b(?:DuckDuckGo|Ecosia|Brave|Focus|FxiOS|CriOS|EdgiOS|EdgA|OPiOS|OPT|OPR|Mercury|Puffin|Coast|Sleipnir|Lightning|Via|Kiwi|Tenta|Vivaldi|Quark|Silk|Edge)\b/i

export function findUnnamedWebView(ua: string): string | null {
  if (BROWSER_ON_A_WEBVIEW.test(ua)) return null
  if (ANDROID_WEBVIEW.test(ua)) return 'Android WebView'
  if (WEBVIEW_TOKEN.test(ua)) return 'web view'
  if (IOS_WEBVIEW_WITH_APP_TOKEN.test(ua)) return 'iOS web view'
  return null
}

/**
 * Chat and workspace desktop apps built on Electron render some links in their own window:
 * "Figma/116.5 Chrome/114 Electron/25". Other Electron builds are browsers or editors, so only these count.
 */
const ELECTRON_APP =
  /\(KHTML, like Gecko\) (?:[\w.-]+\/[\w.-]+ )*?(Figma|Notion|Mattermost|Postman|Rambox|Rocket\.Chat|Obsidian|Signal|Element|Franz|Ferdium|Station|Wavebox|Linear|ClickUp|Asana|Evernote|Zoom)\/[\d.]+ Chrome\/[\d.]+ Electron\//i

/** The name an Electron desktop app gives itself, or null. */
export function findElectronApp(ua: string): string | null {
  return ELECTRON_APP.exec(ua)?.[1] ?? null
}
