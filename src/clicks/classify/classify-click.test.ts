import { describe, expect, it } from 'vitest'
import { classifyClick } from './classify-click.ts'
import { clickInputOf } from './classification.ts'

const context = { ownHosts: ['sho.rt'] }
const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36'
const ANDROID_WEBVIEW =
  'Mozilla/5.0 (Linux; Android 12; moto g22 Build/STAS32.79-77-28-50; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/121.0.6167.178 Mobile Safari/537.36'

const classify = (ua: string, referrer = '', headers?: Record<string, string>) =>
  classifyClick(clickInputOf(ua, referrer, headers), context)

describe('link-preview fetchers', () => {
  it.each([
    { app: 'whatsapp', ua: 'WhatsApp/2.24.6.77 A' },
    { app: 'whatsapp', ua: 'WhatsApp/2.23.24.82 i' },
    { app: 'whatsapp', ua: 'WhatsApp/2.2407.3 W' },
    {
      app: 'imessage',
      ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
    },
    { app: 'imessage', ua: 'Messages/1.0 CFNetwork/1494.0.7 Darwin/23.4.0' },
    { app: 'telegram', ua: 'TelegramBot (like TwitterBot)' },
    { app: 'slack', ua: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' },
    { app: 'slack', ua: 'Slack-ImgProxy (+https://api.slack.com/robots)' },
    { app: 'slack', ua: 'Slackbot 1.0 (+https://api.slack.com/robots)' },
    { app: 'discord', ua: 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)' },
    {
      app: 'skype',
      ua: 'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com',
    },
    {
      app: 'teams',
      ua: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; MicrosoftPreview/2.0; +https://aka.ms/MicrosoftPreview) Chrome/120.0.0.0 Safari/537.36',
    },
    { app: 'outlook', ua: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17231; Pro)' },
    { app: 'facebook', ua: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)' },
    {
      app: 'facebook',
      ua: 'Mozilla/5.0 (compatible; meta-externalfetcher/1.1; +https://developers.facebook.com/docs/sharing/webmasters/crawler)',
    },
    { app: 'kakaotalk', ua: 'facebookexternalhit/1.1; kakaotalk-scrap/1.0; +https://devtalk.kakao.com/' },
    { app: 'line', ua: 'facebookexternalhit/1.1;line-poker/1.0' },
    { app: 'x', ua: 'Twitterbot/1.0' },
    { app: 'linkedin', ua: 'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)' },
    { app: 'pinterest', ua: 'Mozilla/5.0 (compatible; Pinterestbot/1.0; +https://www.pinterest.com/bot.html)' },
    { app: 'snapchat', ua: 'Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots' },
    { app: 'viber', ua: 'Viber/21.2.0.3 CFNetwork/1490.0.4 Darwin/23.2.0' },
    { app: 'reddit', ua: 'Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)' },
    { app: 'mastodon', ua: 'http.rb/5.1.1 (Mastodon/4.2.8; +https://mastodon.social/)' },
    { app: 'bluesky', ua: 'Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)' },
    { app: 'vk', ua: 'Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)' },
    { app: 'ok', ua: 'Mozilla/5.0 (compatible; OdklBot/1.0 like Linux; klass@odnoklassniki.ru)' },
    { app: 'tumblr', ua: 'Tumblr/14.0.835.186' },
    { app: 'zoom', ua: 'Mozilla/5.0 (compatible; Zoombot/1.0; +https://zoom.us)' },
    { app: 'google_chat', ua: 'Google (+https://developers.google.com/+/web/snippet/)' },
    { app: 'discourse', ua: 'Discourse Forum Onebox v3.2.0' },
    { app: null, ua: 'Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)' },
    { app: null, ua: 'Iframely/1.3.1 (+https://iframely.com/docs/about)' },
    { app: null, ua: 'AcmeLinkPreview/2.0 (+https://acme.example/bot)' },
  ])('counts a $app preview fetch as a share, not a click: $ua', ({ ua, app }) => {
    expect(classify(ua)).toMatchObject({ kind: 'preview', app, medium: null, visibility: null })
  })

  it('names the app in the reason', () => {
    expect(classify('WhatsApp/2.24.6.77 A').reason).toBe('WhatsApp link-preview fetch')
  })
})

describe('automated clients', () => {
  it.each([
    { ua: '' },
    { ua: '   ' },
    { ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
    {
      ua: 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.94 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    },
    {
      ua: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
    },
    { ua: 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)' },
    { ua: 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)' },
    {
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/122.0.6261.94 Safari/537.36',
    },
    { ua: 'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1' },
    { ua: 'curl/8.4.0' },
    { ua: 'Wget/1.21.4' },
    { ua: 'python-requests/2.31.0' },
    { ua: 'Go-http-client/2.0' },
    {
      ua: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Claude-User/1.0; +Claude-User@anthropic.com)',
    },
    { ua: 'meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)' },
    { ua: 'Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)' },
  ])('keeps a robot out of the clicks: "$ua"', ({ ua }) => {
    expect(classify(ua, 'https://mail.google.com/')).toMatchObject({
      kind: 'bot',
      app: null,
      medium: null,
      visibility: null,
    })
  })

  it('says which token gave the robot away', () => {
    expect(classify('curl/8.4.0').reason).toMatch(/curl/)
    expect(
      classify(
        'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Perplexity-User/1.0; +https://perplexity.ai/perplexity-user)',
      ).reason,
    ).toBe('automated client (Perplexity-User/1.0)')
    expect(classify('').reason).toBe('no user agent')
  })
})

describe('in-app browsers', () => {
  it.each([
    {
      app: 'facebook',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21E219 [FBAN/FBIOS;FBAV/458.0.0.39.109;FBBV/574468221;FBDV/iPhone15,3;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBID/phone;FBLC/de_DE;FBOP/5]',
    },
    {
      app: 'facebook',
      ua: 'Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.105 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/454.0.0.44.108;]',
    },
    {
      app: 'facebook',
      ua: 'Mozilla/5.0 (Linux; Android 9; Redmi 7A Build/PKQ1.190319.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/110.0.5481.65 Mobile Safari/537.36[FBAN/EMA;FBLC/pt_BR;FBAV/398.0.0.11.112;]',
    },
    {
      app: 'facebook',
      ua: 'Mozilla/5.0 (Linux; Android 15; Pixel 9 Build/AP4A.250105.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/132.0.6834.79 Mobile Safari/537.36 MetaIAB Facebook',
    },
    {
      app: 'messenger',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21B74 [FBAN/MessengerForiOS;FBAV/450.0.0.37.109;FBBV/563431210;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.1;FBSS/3]',
    },
    {
      app: 'messenger',
      ua: 'Mozilla/5.0 (Linux; Android 13; SM-A546B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 [FB_IAB/Orca-Android;FBAV/447.0.0.12.109;]',
    },
    {
      app: 'instagram',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 315.0.0.29.109 (iPhone16,1; iOS 17_2_1; fr_FR; fr; scale=3.00; 1179x2556; 554218484)',
    },
    {
      app: 'instagram',
      ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 7a Build/UQ1A.240205.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/121.0.6167.164 Mobile Safari/537.36 Instagram 317.0.0.34.109 Android (34/14; 420dpi; 1080x2205; Google/google; Pixel 7a; lynx; lynx; en_GB; 563459864)',
    },
    {
      app: 'threads',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Barcelona 322.0.0.27.107 (iPhone15,2; iOS 17_3; en_US; en; scale=3.00; 1179x2556; 577090110)',
    },
    {
      app: 'whatsapp',
      ua: 'Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/121.0.6167.178 Mobile Safari/537.36 WhatsApp/2.24.3.81',
    },
    {
      app: 'wechat',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN',
    },
    {
      app: 'wechat',
      ua: 'Mozilla/5.0 (Linux; Android 12; V2145A Build/SP1A.210812.003; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5061 MMWEBSDK/20230303 MicroMessenger/8.0.34.2340(0x2800223D) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64 MiniProgramEnv/android',
    },
    {
      app: 'alipay',
      ua: 'Mozilla/5.0 (Linux; U; Android 11; zh-CN; M2011K2C Build/RKQ1.200928.002) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/89.0.4389.72 UWS/3.22.2.59 Mobile Safari/537.36 UCBS/3.22.2.59_230607160531 NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,ws:393|0|2.75) AliApp(AP/10.5.18.6000) AlipayClient/10.5.18.6000 Language/zh-Hans Region/CN',
    },
    {
      app: 'line',
      ua: 'Mozilla/5.0 (Linux; Android 14; SO-51D Build/64.2.C.2.153; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.64 Mobile Safari/537.36 Line/14.2.1/IAB',
    },
    {
      app: 'line',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.1.0',
    },
    {
      app: 'tiktok',
      ua: 'Mozilla/5.0 (Linux; Android 13; 2201117TY Build/TKQ1.221114.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.210 Mobile Safari/537.36 trill_330405 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/33.4.5 ByteLocale/en Region/US BytedanceWebview/d8a21c6',
    },
    {
      app: 'tiktok',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_33.3.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US WKWebView/1 BytedanceWebview/d8a21c6',
    },
    {
      app: 'douyin',
      ua: 'Mozilla/5.0 (Linux; Android 12; ANA-AN00 Build/HUAWEIANA-AN00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/99.0.4844.88 Mobile Safari/537.36 aweme_290100 JsSdk/1.0 NetType/WIFI AppName/aweme app_version/29.1.0 ByteLocale/zh-CN Region/CN BytedanceWebview/d8a21c6',
    },
    {
      app: 'snapchat',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/12.71.0.37 (like Safari/8617.2.4.10.9, panda)',
    },
    {
      app: 'linkedin',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.7341',
    },
    {
      app: 'x',
      ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro Build/AP1A.240305.019.A1; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.119 Mobile Safari/537.36 TwitterAndroid',
    },
    {
      app: 'x',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Twitter for iPhone/9.62',
    },
    {
      app: 'pinterest',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [Pinterest/iOS]',
    },
    {
      app: 'pinterest',
      ua: 'Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 [Pinterest/Android]',
    },
    {
      app: 'kakaotalk',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.5.5',
    },
    {
      app: 'google',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/303.0.607836541 Mobile/15E148 Safari/604.1',
    },
    {
      app: 'teams',
      ua: 'Mozilla/5.0 (Linux; Android 13; SM-T220 Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Safari/537.36 TeamsMobile-Android',
    },
    {
      app: 'viber',
      ua: 'Mozilla/5.0 (Linux; Android 12; SM-A127F Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/121.0.6167.164 Mobile Safari/537.36 Viber/21.4.0.4',
    },
    {
      app: 'naver',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/605.1 NAVER(inapp; search; 2000; 12.3.7; 14PROMAX)',
    },
    {
      app: 'weibo',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Weibo (iPhone15,2__weibo__14.2.2__iphone__os17.3)',
    },
    {
      app: 'qq',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 QQ/9.0.20.628 V1_IPH_SQ_9.0.20_1_APP_A Pixel/1179 Core/WKWebView NetType/WIFI',
    },
    {
      app: 'zalo',
      ua: 'Mozilla/5.0 (Linux; Android 13; CPH2365 Build/TP1A.220905.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.193 Mobile Safari/537.36 Zalo/23.12.01',
    },
    {
      app: 'slack',
      ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Slack/4.36.140 Chrome/120.0.6099.283 Electron/28.2.3 Safari/537.36 Sonic Slack_SSB/4.36.140',
    },
    {
      app: 'figma',
      ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Figma/116.16.13 Chrome/120.0.6099.291 Electron/28.2.5 Safari/537.36',
    },
    { app: null, ua: ANDROID_WEBVIEW },
    {
      app: null,
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AcmeNews/4.2.0',
    },
  ])('labels the $app in-app browser as a dark in-app click: $ua', ({ ua, app }) => {
    expect(classify(ua)).toMatchObject({ kind: 'human', medium: 'in_app', app, visibility: 'dark' })
  })

  it('says which app in the reason', () => {
    expect(
      classify(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 315.0.0.29.109 (iPhone16,1; iOS 17_2_1; fr_FR; fr; scale=3.00; 1179x2556; 554218484)',
      ).reason,
    ).toBe('Instagram in-app browser')
  })
})

describe('X-Requested-With from an Android web view', () => {
  it.each([
    { requestedWith: 'com.facebook.orca', app: 'messenger' },
    { requestedWith: 'com.instagram.android', app: 'instagram' },
    { requestedWith: 'org.telegram.messenger', app: 'telegram' },
    { requestedWith: 'com.google.android.gm', app: 'gmail' },
    { requestedWith: 'com.google.android.googlequicksearchbox', app: 'google' },
    { requestedWith: 'com.Slack', app: 'slack' },
    { requestedWith: 'com.example.news', app: null },
  ])('names the app that sent $requestedWith', ({ requestedWith, app }) => {
    const ua =
      'Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Mobile Safari/537.36'
    expect(classify(ua, '', { 'x-requested-with': requestedWith })).toMatchObject({
      kind: 'human',
      medium: 'in_app',
      app,
      visibility: 'dark',
    })
  })

  it.each([
    { requestedWith: 'XMLHttpRequest' },
    { requestedWith: 'com.android.chrome' },
    { requestedWith: 'com.sec.android.app.sbrowser' },
    { requestedWith: 'org.mozilla.firefox' },
  ])('does not take a browser or a script ($requestedWith) for an app', ({ requestedWith }) => {
    expect(classify(CHROME_WINDOWS, '', { 'x-requested-with': requestedWith })).toMatchObject({
      kind: 'human',
      medium: 'direct',
    })
  })

  it('lets the referrer name an app the package table does not know', () => {
    expect(
      classify(CHROME_WINDOWS, 'android-app://com.pinterest/', { 'x-requested-with': 'com.example.wrapper' }),
    ).toMatchObject({ medium: 'in_app', app: 'pinterest' })
  })
})

describe('people in a browser', () => {
  it.each([
    { ua: CHROME_WINDOWS },
    {
      ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Safari/605.1.15',
    },
    { ua: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0' },
    {
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.66',
    },
    {
      ua: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36',
    },
    {
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Mobile/15E148 Safari/604.1',
    },
    {
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/122.0.6261.89 Mobile/15E148 Safari/604.1',
    },
    {
      ua: 'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
    },
    {
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 YaBrowser/24.1.0.0 Safari/537.36',
    },
    {
      ua: 'Mozilla/5.0 (Linux; U; Android 12; en-US; RMX3363 Build/RKQ1.211119.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 UCBrowser/13.6.0.1315 Mobile Safari/537.36',
    },
    {
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30 SogouMSE,SogouMobileBrowser/5.37.1',
    },
    {
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 (Ecosia ios@10.1.0.2013)',
    },
    {
      ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 6; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.0.0 Mobile DuckDuckGo/5 Safari/537.36',
    },
    {
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 11_0 like Mac OS X) AppleWebKit/604.1.38 (KHTML, like Gecko) Mobile/15A372',
    },
    {
      ua: 'Mozilla/5.0 (Linux; Android 12; M2012K11AG Build/SKQ1.211006.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/96.0.4664.104 Mobile Safari/537.36 Mb2345Browser/16.1.2',
    },
    {
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 15_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 QHBrowser/321 QihooBrowser/4.0.12',
    },
    {
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Atom/1.60.0 Chrome/108.0.5359.215 Electron/22.3.27 Safari/537.36',
    },
    { ua: 'Dillo/3.0.5' },
    { ua: 'NetSurf/3.11 (Linux; Debian)' },
    { ua: 'w3m/0.5.3' },
    {
      ua: 'LG/KU990i/v10a Browser/Obigo-Q05A/3.6 MMS/LG-MMS-V1.0/1.2 Java/ASVM/1.0 Profile/MIDP-2.0 Configuration/CLDC-1.1',
    },
  ])('keeps a browser with no referrer as direct: $ua', ({ ua }) => {
    expect(classify(ua)).toEqual({
      kind: 'human',
      medium: 'direct',
      app: null,
      visibility: 'dark',
      reason: 'no referrer',
    })
  })
})

describe('precedence', () => {
  const INSTAGRAM =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 315.0.0.29.109 (iPhone16,1; iOS 17_2_1; fr_FR; fr; scale=3.00; 1179x2556; 554218484)'
  const FACEBOOK =
    'Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.105 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/454.0.0.44.108;]'

  it.each([
    {
      rule: 'an in-app user agent beats its own link wrapper',
      ua: INSTAGRAM,
      referrer: 'https://l.instagram.com/',
      expected: { medium: 'in_app', app: 'instagram' },
    },
    {
      rule: 'an in-app user agent beats a search referrer',
      ua: FACEBOOK,
      referrer: 'https://www.google.com/',
      expected: { medium: 'in_app', app: 'facebook' },
    },
    {
      rule: 'a bare web view takes its app from the referrer',
      ua: ANDROID_WEBVIEW,
      referrer: 'https://l.facebook.com/',
      expected: { medium: 'in_app', app: 'facebook' },
    },
    {
      rule: 'a bare web view takes its app from an android-app referrer',
      ua: ANDROID_WEBVIEW,
      referrer: 'android-app://com.google.android.gm/',
      expected: { medium: 'in_app', app: 'gmail' },
    },
    {
      rule: 'a bot with a webmail referrer is still a bot',
      ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      referrer: 'https://mail.google.com/',
      expected: { kind: 'bot' },
    },
    {
      rule: 'a preview with a referrer is still a preview',
      ua: 'TelegramBot (like TwitterBot)',
      referrer: 'https://web.telegram.org/',
      expected: { kind: 'preview', app: 'telegram' },
    },
    {
      rule: 'a browser with our own host as referrer is internal',
      ua: CHROME_WINDOWS,
      referrer: 'https://sho.rt/abc',
      expected: { medium: 'internal', visibility: 'public' },
    },
    {
      rule: 'a robot word in an in-app string keeps it a robot',
      ua: `${INSTAGRAM} (compatible; Googlebot/2.1; +http://www.google.com/bot.html)`,
      referrer: '',
      expected: { kind: 'bot' },
    },
  ])('$rule', ({ ua, referrer, expected }) => {
    expect(classify(ua, referrer)).toMatchObject(expected)
  })
})
