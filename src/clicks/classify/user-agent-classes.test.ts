import { describe, expect, it } from 'vitest'
import { classifyClick } from './classify-click.ts'

// Real user agents from public sources, one class of the classifier's rules per table. Where a row is
// built from a documented token grammar rather than copied from a log, the comment says so.
const classify = (ua: string) => classifyClick({ ua, referrer: '' }, { ownHosts: ['sho.rt'] })

describe('class 1: in-app browsers that mark their web view in unusual places', () => {
  it.each([
    // WhatsApp's in-app browser (2025+): "WA4A/<v>" on Android, "[WAiOS/<v>]" on iOS (ua-parser-js PR #841).
    {
      app: 'whatsapp',
      ua: 'Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/139.0.7258.143 Mobile Safari/537.36 WA4A/2.26.30.97',
    },
    {
      app: 'whatsapp',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 26_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1 [WAiOS/2.26.31]',
    },
    {
      app: 'whatsapp',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [WAiOS/2.25.21.81]',
    },
    // WhatsApp Desktop's window (goaccess issue #808).
    {
      app: 'whatsapp',
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) WhatsApp/2.2019.8 Chrome/80.0.3987.141 Electron/8.1.1 Safari/537.36',
    },
    // Tokens glued to the text before them, no separator (Snapchat and Weibo builds seen in in-app detector fixtures).
    {
      app: 'snapchat',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148Snapchat/13.10.0.42 (like Safari/8618.3.11.10.5, panda)',
    },
    {
      app: 'snapchat',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 15_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.3 Mobile/15E148 Snapchat/11.64.0.38 (like Safari/8612.4.9.0.3, panda)',
    },
    {
      app: 'weibo',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 12_1_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/16D57Weibo (iPhone10,3__weibo__9.2.0__iphone__os12.1.4)',
    },
    {
      app: 'weibo',
      ua: 'Mozilla/5.0 (Linux; Android 9; MI 8 Build/PKQ1.180729.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/68.0.3440.91 Mobile Safari/537.36Weibo (Xiaomi-MI 8__weibo__9.5.1__android__android9)',
    },
    // Viber's desktop app: a QtWebEngine window ending in a bare "Viber" (isbot's browser fixtures).
    {
      app: 'viber',
      ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_4) AppleWebKit/537.36 (KHTML, like Gecko) QtWebEngine/5.6.0 Chrome/45.0.2454.101 Safari/537.36 Viber',
    },
    // Snapchat's Android web view glues its name and version to Safari's token (isbot's browser fixtures).
    {
      app: 'snapchat',
      ua: 'Mozilla/5.0 (Linux; Android 10; SM-G973U Build/QP1A.190711.020; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/79.0.3945.136 Mobile Safari/537.36Snapchat10.74.6.0 (SM-G973U; Android 10#G973USQS2CSL1#29; gzip)',
    },
  ])('$app: $ua', ({ app, ua }) => {
    expect(classify(ua)).toMatchObject({ kind: 'human', medium: 'in_app', app, visibility: 'dark' })
  })
})

describe('class 2: preview fetchers, from apps and from Office and mail clients', () => {
  it.each([
    // Apple Messages' share and notification extensions fetch over CFNetwork under their bundle names.
    { app: 'imessage', ua: 'MessagesNotificationExtension/1 CFNetwork/1568.100.1 Darwin/24.0.0' },
    { app: 'imessage', ua: 'MessagesShareExtension/1 CFNetwork/1496.0.7 Darwin/23.5.0' },
    { app: 'imessage', ua: 'com.apple.MobileSMS.NotificationServiceExtension/1.0 CFNetwork/1410.0.3 Darwin/22.6.0' },
    // Any app's share extension is a share in that app (grammar: <App>ShareExtension/<v> CFNetwork/<v>).
    { app: 'whatsapp', ua: 'WhatsAppShareExtension/2.24.10 CFNetwork/1494.0.7 Darwin/23.4.0' },
    { app: 'telegram', ua: 'TelegramShare/10.10 CFNetwork/1494.0.7 Darwin/23.4.0' },
    { app: null, ua: 'NotesShareExtension/1 CFNetwork/1494.0.7 Darwin/23.4.0' },
    // Bare app-name user agents: the messenger's own HTTP stack (Snapchat's from public scraping code;
    // Signal's from its clients' sources; Viber's from crawler-user-agents PR #275).
    { app: 'snapchat', ua: 'Snapchat/12.64.0.65 (iPhone; iOS 16.0; Scale/3.00)' },
    { app: 'signal', ua: 'Signal-Android/7.10.2 Android/34' },
    { app: 'signal', ua: 'Signal-iOS/7.8.1.0 iOS/17.5 libsignal/0.44.0' },
    { app: 'telegram', ua: 'Telegram/10.2 CFNetwork/1490.0.4 Darwin/23.2.0' },
    { app: 'viber', ua: 'Viber' },
    {
      app: 'snapchat',
      ua: 'Mozilla/5.0 (compatible; Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots)',
    },
    { app: 'bluesky', ua: 'Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)' },
    // Office apps check a link before opening it (Microsoft's "Office Existence Discovery").
    { app: 'word', ua: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Word 16.0.17328; Pro)' },
    { app: 'excel', ua: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Excel 16.0.17328; Pro)' },
    { app: 'powerpoint', ua: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft PowerPoint 16.0.17328; Pro)' },
    { app: 'word', ua: 'Microsoft Office Word 2014' },
    { app: 'excel', ua: 'Microsoft Office Excel 2014' },
    { app: 'microsoft_office', ua: 'Mozilla/4.0 (compatible; ms-office; MSOffice 16)' },
    { app: 'microsoft_office', ua: 'Microsoft Office Existence Discovery' },
    { app: 'outlook', ua: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17231; Pro)' },
    // Desktop mail clients fetching a link for its card.
    { app: 'apple_mail', ua: 'Mail/3826.400.131.1.6 CFNetwork/1496.0.7 Darwin/23.5.0' },
    { app: null, ua: 'eM Client/9.2.2157.0' },
    // Fediverse servers and smaller networks drawing a card.
    { app: 'mastodon', ua: 'Misskey/2024.3.1 (https://misskey.io)' },
    { app: 'mastodon', ua: 'GoToSocial/0.15.0 (gts.example)' },
    { app: 'plurk', ua: 'Mozilla/5.0 (compatible; Plurkbot/1.0; +https://www.plurk.com)' },
  ])('$app: $ua', ({ app, ua }) => {
    expect(classify(ua)).toMatchObject({ kind: 'preview', app, medium: null })
  })
})

describe('class 2: what is not a preview fetch', () => {
  it.each([
    // A mail client's built-in Gecko browser is a person reading (isbot's browser fixtures).
    'Mozilla/5.0 (Windows NT 10.0; WOW64; rv:60.0) Gecko/20100101 Thunderbird/60.7.0 Lightning/6.2.7',
    // Apps whose own HTTP client names an app that is not a messenger.
    'retweet/2.17 (iPhone; iOS 17.1.2; Scale/3.00)',
    'SpringBoard/50 CFNetwork/1220.1 Darwin/20.3.0',
    'Job Search/95.0 (iPhone; CPU iOS 17_3_1 like Mac OS X)',
  ])('%s', (ua) => {
    expect(classify(ua).kind).toBe('human')
  })
})

describe('class 3: bots that look like browsers or name no crawler', () => {
  it.each([
    // HTTP libraries and CLI tools.
    'curl/8.5.0',
    'Wget/1.21.4',
    'python-requests/2.31.0',
    'Python/3.12 aiohttp/3.9.3',
    'Go-http-client/2.0',
    'okhttp/4.12.0',
    'axios/1.6.7',
    'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
    'undici',
    'Dart/3.3 (dart:io)',
    'Deno/1.41.0',
    'Apache-HttpClient/4.5.14 (Java/17.0.9)',
    'PostmanRuntime/7.36.3',
    'HTTPie/3.2.2',
    // Probes and uptime or performance monitors.
    'kube-probe/1.29',
    'ELB-HealthChecker/2.0',
    'GoogleHC/1.0',
    'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
    'Uptime-Kuma/1.23.11',
    'Mozilla/5.0 (compatible; Better Uptime Bot Chrome/119.0.0.0; +https://betteruptime.com/)',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 GTmetrix',
    'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse',
    // Render, screenshot and PDF services appending a token to a real browser's user agent.
    'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/534.34 (KHTML, like Gecko) wkhtmltopdf Safari/534.34',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 ScreenshotOne',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36 ApiFlash',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Safari/537.36 Gotenberg',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Safari/537.36 pdfcrowd',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 Prerender (+https://github.com/prerender/prerender)',
    // AI assistants' fetchers, including those without the "-User/" shape.
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; OAI-SearchBot/1.0; +https://openai.com/searchbot',
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Perplexity-User/1.0; +https://perplexity.ai/perplexity-user)',
    'Mozilla/5.0 (compatible; DuckAssistBot/1.2; +http://duckduckgo.com/duckassistbot.html)',
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.108 Mobile Safari/537.36 Gemini-Deep-Research',
    // Small and old crawlers.
    'Nutch/1.19',
    'ia_archiver (+http://www.alexa.com/site/help/webmasters; crawler@alexa.com)',
    'Xenu Link Sleuth/1.3.8',
    'Mozilla/4.5 (compatible; HTTrack 3.0x; Windows 98)',
    'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 3 subscribers; )',
  ])('%s', (ua) => {
    expect(classify(ua).kind).toBe('bot')
  })
})

describe('class 4: phones whose model names contain crawler words are people', () => {
  it.each([
    // CUBOT phones, from public bot-detector regression tests.
    'Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 9; CUBOT_X20_PRO Build/PPR1.180610.011) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 13; Cubot Note 20) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 14; Abbot One) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Mobile Safari/537.36',
    // The model slot's grammar, with the old "U; <locale>;" prefix and a Build/ suffix (shape of Android 4 UAs).
    'Mozilla/5.0 (Linux; U; Android 4.2.2; en-us; Spider Build/JDQ39) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30',
    'Mozilla/5.0 (Linux; Android 8.1.0; SPIDER X1 Build/O11019) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0.4664.104 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 12; P90 Probot) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 Safari/537.36',
  ])('%s', (ua) => {
    expect(classify(ua)).toMatchObject({ kind: 'human', medium: 'direct' })
  })

  it.each([
    // Also flagged by some bot lists, people all the same (isbot's browser fixtures): an old IE with a
    // toolbar, smart TVs, feature phones.
    'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; GTB7.4; SLCC2; .NET CLR 2.0.50727; AskTbFXTV5/5.9.1.14019)',
    'Mozilla/5.0 (SMART-TV; Linux; Tizen 5.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/2.2 Chrome/63.0.3239.84 TV Safari/537.36',
    'Opera/9.80 (Linux mips; U; HbbTV/1.1.1 (; Philips; ; ; ; ) CE-HTML/1.0 NETTV/3.2.1; en) Presto/2.6.33 Version/10.70',
    'Nokia6280/2.0 (03.60) Profile/MIDP-2.0 Configuration/CLDC-1.1',
    'Mozilla/5.0 (Mobile; Nokia 8110 4G; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5',
  ])('%s', (ua) => {
    expect(classify(ua).kind).toBe('human')
  })

  it('does not forgive a monitor that names itself where the model goes', () => {
    const catchpoint =
      'Mozilla/5.0 (Linux; U; Android 4.0.2; en-us; Catchpoint) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30'
    expect(classify(catchpoint).kind).toBe('bot')
  })

  it('still calls a crawler a crawler when it names an Android model', () => {
    const googlebot =
      'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.94 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'
    expect(classify(googlebot).kind).toBe('bot')
  })
})
