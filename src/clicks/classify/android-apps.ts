/**
 * Android apps by package name. Packages reach us two ways: as the `X-Requested-With` header an Android
 * WebView sends (the embedding app's package) and as `android-app://<package>` referrers.
 * `medium` is what a referrer from that app means; for X-Requested-With any non-browser app is in-app.
 */
export type AndroidApp = {
  app: string
  name: string
  medium: 'email' | 'messaging' | 'social' | 'search'
  packages: readonly string[]
}

export const ANDROID_APPS: readonly AndroidApp[] = [
  { app: 'gmail', name: 'Gmail', medium: 'email', packages: ['com.google.android.gm', 'com.google.android.gm.lite'] },
  { app: 'outlook', name: 'Outlook', medium: 'email', packages: ['com.microsoft.office.outlook'] },
  { app: 'yahoo_mail', name: 'Yahoo Mail', medium: 'email', packages: ['com.yahoo.mobile.client.android.mail'] },
  { app: 'aol_mail', name: 'AOL', medium: 'email', packages: ['com.aol.mobile.aolapp'] },
  { app: 'samsung_email', name: 'Samsung Email', medium: 'email', packages: ['com.samsung.android.email.provider'] },
  {
    app: 'android_email',
    name: 'Android Email',
    medium: 'email',
    packages: ['com.android.email', 'com.google.android.email'],
  },
  { app: 'proton_mail', name: 'Proton Mail', medium: 'email', packages: ['ch.protonmail.android'] },
  { app: 'mail_ru', name: 'Mail.ru', medium: 'email', packages: ['ru.mail.mailapp', 'ru.mail'] },
  { app: 'yandex_mail', name: 'Yandex Mail', medium: 'email', packages: ['ru.yandex.mail'] },
  { app: 'gmx', name: 'GMX Mail', medium: 'email', packages: ['de.gmx.mobile.android.mail'] },
  { app: 'web_de', name: 'WEB.DE Mail', medium: 'email', packages: ['de.web.mobile.android.mail'] },
  { app: 'thunderbird', name: 'Thunderbird', medium: 'email', packages: ['com.fsck.k9', 'net.thunderbird.android'] },
  { app: 'spark', name: 'Spark', medium: 'email', packages: ['com.readdle.spark'] },
  { app: 'bluemail', name: 'BlueMail', medium: 'email', packages: ['me.bluemail.mail'] },
  { app: 'edison_mail', name: 'Edison Mail', medium: 'email', packages: ['com.easilydo.mail'] },
  { app: 'qq_mail', name: 'QQ Mail', medium: 'email', packages: ['com.tencent.androidqqmail'] },
  { app: 'netease_mail', name: 'NetEase Mail', medium: 'email', packages: ['com.netease.mail'] },
  { app: 'zoho_mail', name: 'Zoho Mail', medium: 'email', packages: ['com.zoho.mail'] },
  { app: 'fastmail', name: 'Fastmail', medium: 'email', packages: ['com.fastmail.app'] },
  { app: 'tuta', name: 'Tuta', medium: 'email', packages: ['de.tutao.tutanota'] },
  { app: 'naver_mail', name: 'Naver Mail', medium: 'email', packages: ['com.nhn.android.mail'] },
  { app: 'daum_mail', name: 'Daum Mail', medium: 'email', packages: ['net.daum.android.mail'] },
  { app: 'seznam_email', name: 'Seznam Email', medium: 'email', packages: ['cz.seznam.email'] },
  { app: 'mailchimp', name: 'Mailchimp', medium: 'email', packages: ['com.mailchimp.mailchimp'] },
  { app: 'earthlink', name: 'myEarthLink', medium: 'email', packages: ['com.earthlink.myearthlink'] },
  { app: 'hey', name: 'HEY', medium: 'email', packages: ['com.basecamp.hey'] },

  { app: 'whatsapp', name: 'WhatsApp', medium: 'messaging', packages: ['com.whatsapp', 'com.whatsapp.w4b'] },
  {
    app: 'telegram',
    name: 'Telegram',
    medium: 'messaging',
    packages: [
      'org.telegram.messenger',
      'org.telegram.messenger.web',
      'org.telegram.plus',
      'org.thunderdog.challegram',
      'org.aka.messenger',
      'org.telegram.biftogram',
      'tw.nekomimi.nekogram',
      'org.telegram.messenger.beta',
    ],
  },
  { app: 'messenger', name: 'Messenger', medium: 'messaging', packages: ['com.facebook.orca', 'com.facebook.mlite'] },
  { app: 'signal', name: 'Signal', medium: 'messaging', packages: ['org.thoughtcrime.securesms'] },
  { app: 'viber', name: 'Viber', medium: 'messaging', packages: ['com.viber.voip'] },
  { app: 'line', name: 'LINE', medium: 'messaging', packages: ['jp.naver.line.android', 'com.linecorp.linelite'] },
  { app: 'wechat', name: 'WeChat', medium: 'messaging', packages: ['com.tencent.mm'] },
  { app: 'kakaotalk', name: 'KakaoTalk', medium: 'messaging', packages: ['com.kakao.talk'] },
  { app: 'slack', name: 'Slack', medium: 'messaging', packages: ['com.slack'] },
  { app: 'discord', name: 'Discord', medium: 'messaging', packages: ['com.discord'] },
  { app: 'teams', name: 'Microsoft Teams', medium: 'messaging', packages: ['com.microsoft.teams'] },
  { app: 'skype', name: 'Skype', medium: 'messaging', packages: ['com.skype.raider', 'com.skype.m2'] },
  {
    app: 'google_messages',
    name: 'Google Messages',
    medium: 'messaging',
    packages: ['com.google.android.apps.messaging'],
  },
  {
    app: 'samsung_messages',
    name: 'Samsung Messages',
    medium: 'messaging',
    packages: ['com.samsung.android.messaging'],
  },
  { app: 'google_chat', name: 'Google Chat', medium: 'messaging', packages: ['com.google.android.apps.dynamite'] },
  { app: 'zalo', name: 'Zalo', medium: 'messaging', packages: ['com.zing.zalo'] },
  { app: 'qq', name: 'QQ', medium: 'messaging', packages: ['com.tencent.mobileqq'] },
  { app: 'imo', name: 'imo', medium: 'messaging', packages: ['com.imo.android.imoim'] },
  { app: 'kik', name: 'Kik', medium: 'messaging', packages: ['kik.android'] },
  { app: 'threema', name: 'Threema', medium: 'messaging', packages: ['ch.threema.app'] },
  { app: 'element', name: 'Element', medium: 'messaging', packages: ['im.vector.app'] },

  { app: 'facebook', name: 'Facebook', medium: 'social', packages: ['com.facebook.katana', 'com.facebook.lite'] },
  { app: 'instagram', name: 'Instagram', medium: 'social', packages: ['com.instagram.android', 'com.instagram.lite'] },
  { app: 'threads', name: 'Threads', medium: 'social', packages: ['com.instagram.barcelona'] },
  { app: 'x', name: 'X', medium: 'social', packages: ['com.twitter.android'] },
  { app: 'linkedin', name: 'LinkedIn', medium: 'social', packages: ['com.linkedin.android'] },
  {
    app: 'reddit',
    name: 'Reddit',
    medium: 'social',
    packages: [
      'com.reddit.frontpage',
      'com.laurencedawson.reddit_sync',
      'com.laurencedawson.reddit_sync.pro',
      'io.syncapps.lemmy_sync',
    ],
  },
  { app: 'pinterest', name: 'Pinterest', medium: 'social', packages: ['com.pinterest'] },
  { app: 'snapchat', name: 'Snapchat', medium: 'social', packages: ['com.snapchat.android'] },
  {
    app: 'tiktok',
    name: 'TikTok',
    medium: 'social',
    packages: ['com.zhiliaoapp.musically', 'com.ss.android.ugc.trill', 'com.zhiliaoapp.musically.go'],
  },
  { app: 'douyin', name: 'Douyin', medium: 'social', packages: ['com.ss.android.ugc.aweme'] },
  { app: 'youtube', name: 'YouTube', medium: 'social', packages: ['com.google.android.youtube'] },
  { app: 'tumblr', name: 'Tumblr', medium: 'social', packages: ['com.tumblr'] },
  { app: 'vk', name: 'VK', medium: 'social', packages: ['com.vkontakte.android'] },
  { app: 'ok', name: 'OK', medium: 'social', packages: ['ru.ok.android'] },
  { app: 'weibo', name: 'Weibo', medium: 'social', packages: ['com.sina.weibo'] },
  { app: 'bluesky', name: 'Bluesky', medium: 'social', packages: ['xyz.blueskyweb.app'] },
  { app: 'mastodon', name: 'Mastodon', medium: 'social', packages: ['org.joinmastodon.android'] },
  { app: 'hacker_news', name: 'Hacker News', medium: 'social', packages: ['io.github.hidroh.materialistic'] },
  { app: 'tildes', name: 'Tildes', medium: 'social', packages: ['com.talklittle.android.tildes'] },
  { app: 'quora', name: 'Quora', medium: 'social', packages: ['com.quora.android'] },
  { app: 'flipboard', name: 'Flipboard', medium: 'social', packages: ['flipboard.app'] },
  { app: 'xing', name: 'XING', medium: 'social', packages: ['com.xing.android'] },

  {
    app: 'google',
    name: 'Google app',
    medium: 'search',
    packages: ['com.google.android.googlequicksearchbox', 'com.google.android.apps.searchlite'],
  },
  { app: 'bing', name: 'Bing', medium: 'search', packages: ['com.microsoft.bing'] },
  { app: 'yandex', name: 'Yandex', medium: 'search', packages: ['ru.yandex.searchplugin'] },
  { app: 'baidu', name: 'Baidu', medium: 'search', packages: ['com.baidu.searchbox'] },
  { app: 'naver', name: 'NAVER', medium: 'search', packages: ['com.nhn.android.search'] },
]

const APPS_BY_PACKAGE = new Map(
  ANDROID_APPS.flatMap((entry) => entry.packages.map((pkg) => [pkg.toLowerCase(), entry] as const)),
)

// Browsers send X-Requested-With too (their own package, or XMLHttpRequest from scripts): not in-app.
const BROWSER_PACKAGE =
  /browser|chrome|chromium|firefox|fennec|mozilla|opera|brave|\.emmx|vivaldi|duckduckgo|kiwi|ucmobile|sbrowser|\.webview|\.browser\b/i

/** Package names are case-insensitive here: com.Slack and com.slack are the same app in the wild. */
export function findAndroidApp(pkg: string): AndroidApp | null {
  return APPS_BY_PACKAGE.get(pkg.toLowerCase()) ?? null
}

export function isBrowserPackage(pkg: string): boolean {
  return BROWSER_PACKAGE.test(pkg)
}

/** An Android package name: two or more dot-separated Java identifiers ("com.whatsapp"). */
export function isPackageName(value: string): boolean {
  return /^[a-z_][\w]*(?:\.[a-z_][\w]*)+$/i.test(value)
}
