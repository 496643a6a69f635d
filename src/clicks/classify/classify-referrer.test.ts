import { describe, expect, it } from 'vitest'
import { classifyClick } from './classify-click.ts'
import { classifyReferrer } from './classify-referrer.ts'

const OWN_HOSTS = ['sho.rt']
const FIREFOX = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.3; rv:123.0) Gecko/20100101 Firefox/123.0'

describe('webmail and mail apps are email', () => {
  it.each([
    { referrer: 'https://mail.google.com/mail/u/0/', app: 'gmail' },
    { referrer: 'https://inbox.google.com/', app: 'gmail' },
    { referrer: 'https://outlook.live.com/mail/0/inbox', app: 'outlook' },
    { referrer: 'https://outlook.office.com/mail/', app: 'outlook' },
    { referrer: 'https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fsho.rt%2Fx', app: 'outlook' },
    { referrer: 'https://mail.yahoo.com/d/folders/1', app: 'yahoo_mail' },
    { referrer: 'https://uk.mail.yahoo.com/', app: 'yahoo_mail' },
    { referrer: 'https://mail.yahoo.co.jp/', app: 'yahoo_mail' },
    { referrer: 'https://mail.aol.com/webmail-std/en-us/suite', app: 'aol_mail' },
    { referrer: 'https://mail.proton.me/u/0/inbox', app: 'proton_mail' },
    { referrer: 'https://app.fastmail.com/mail/Inbox/', app: 'fastmail' },
    { referrer: 'https://mail.zoho.eu/zm/', app: 'zoho_mail' },
    { referrer: 'https://www.gmx.net/', app: 'gmx' },
    { referrer: 'https://navigator.gmx.ch/mail', app: 'gmx' },
    { referrer: 'https://3c.web.de/mail/client/', app: 'web_de' },
    { referrer: 'https://email.t-online.de/em', app: 't_online' },
    { referrer: 'https://mail.yandex.ru/?uid=1', app: 'yandex_mail' },
    { referrer: 'https://mail.yandex.com.tr/', app: 'yandex_mail' },
    { referrer: 'https://e.mail.ru/inbox/', app: 'mail_ru' },
    { referrer: 'https://mail.qq.com/cgi-bin/frame_html', app: 'qq_mail' },
    { referrer: 'https://mail.163.com/js6/main.jsp', app: 'netease_mail' },
    { referrer: 'https://mail.126.com/', app: 'netease_mail' },
    { referrer: 'https://mail.naver.com/v2/folders/0', app: 'naver_mail' },
    { referrer: 'https://email.seznam.cz/', app: 'seznam_email' },
    { referrer: 'https://mail.libero.it/appsuite/', app: 'libero_mail' },
    { referrer: 'https://www.orange.fr/webmail/', app: 'orange_mail' },
    { referrer: 'https://www.icloud.com/mail/', app: 'icloud_mail' },
    { referrer: 'https://poczta.wp.pl/k/', app: 'wp_poczta' },
    { referrer: 'https://webmail.free.fr/', app: 'free_mail' },
    { referrer: 'https://deref-gmx.net/mail/client/abc/dereferrer/?redirectUrl=https%3A%2F%2Fsho.rt', app: null },
    { referrer: 'https://deref-1und1-02.de/mail/client/x', app: null },
    { referrer: 'https://webmail.example-isp.net/', app: null },
    { referrer: 'https://mail2.example-telco.com.au/', app: null },
    { referrer: 'https://sibmail.com/', app: null },
    { referrer: 'android-app://com.google.android.gm/', app: 'gmail' },
    { referrer: 'android-app://com.microsoft.office.outlook', app: 'outlook' },
    { referrer: 'android-app://com.yahoo.mobile.client.android.mail', app: 'yahoo_mail' },
    { referrer: 'android-app://de.example.mailclient', app: null },
  ])('$referrer is email ($app)', ({ referrer, app }) => {
    expect(classifyReferrer(referrer, OWN_HOSTS)).toMatchObject({ medium: 'email', app })
  })
})

describe('web messengers and messaging apps are messaging', () => {
  it.each([
    { referrer: 'https://web.whatsapp.com/', app: 'whatsapp' },
    { referrer: 'https://wa.me/', app: 'whatsapp' },
    { referrer: 'https://web.telegram.org/k/', app: 'telegram' },
    { referrer: 'https://t.me/somechannel/42', app: 'telegram' },
    { referrer: 'https://www.messenger.com/t/123', app: 'messenger' },
    { referrer: 'https://l.messenger.com/l.php?u=https%3A%2F%2Fsho.rt', app: 'messenger' },
    { referrer: 'https://slack-redir.net/link?url=https%3A%2F%2Fsho.rt', app: 'slack' },
    { referrer: 'https://app.slack.com/client/T0123/C0456', app: 'slack' },
    { referrer: 'https://discord.com/channels/1/2', app: 'discord' },
    { referrer: 'https://teams.microsoft.com/', app: 'teams' },
    { referrer: 'https://teams.live.com/v2/', app: 'teams' },
    { referrer: 'https://web.skype.com/', app: 'skype' },
    { referrer: 'https://chat.google.com/room/AAA', app: 'google_chat' },
    { referrer: 'https://messages.google.com/web/conversations/7', app: 'google_messages' },
    { referrer: 'https://wx.qq.com/', app: 'wechat' },
    { referrer: 'android-app://org.telegram.messenger/', app: 'telegram' },
    { referrer: 'android-app://com.whatsapp', app: 'whatsapp' },
    { referrer: 'android-app://jp.naver.line.android', app: 'line' },
    { referrer: 'android-app://com.Slack', app: 'slack' },
  ])('$referrer is messaging ($app)', ({ referrer, app }) => {
    expect(classifyReferrer(referrer, OWN_HOSTS)).toMatchObject({ medium: 'messaging', app })
  })
})

describe('public social networks and their link wrappers are social', () => {
  it.each([
    { referrer: 'https://l.facebook.com/l.php?u=https%3A%2F%2Fsho.rt%2Fx', app: 'facebook' },
    { referrer: 'https://lm.facebook.com/', app: 'facebook' },
    { referrer: 'https://m.facebook.com/story.php', app: 'facebook' },
    { referrer: 'https://t.co/AbC123', app: 'x' },
    { referrer: 'https://x.com/someone/status/1', app: 'x' },
    { referrer: 'https://www.linkedin.com/feed/', app: 'linkedin' },
    { referrer: 'https://lnkd.in/eXyZ', app: 'linkedin' },
    { referrer: 'https://out.reddit.com/t3_abc', app: 'reddit' },
    { referrer: 'https://old.reddit.com/r/selfhosted/', app: 'reddit' },
    { referrer: 'https://l.instagram.com/?u=https%3A%2F%2Fsho.rt', app: 'instagram' },
    { referrer: 'https://www.threads.net/@someone', app: 'threads' },
    { referrer: 'https://www.pinterest.co.uk/pin/1/', app: 'pinterest' },
    { referrer: 'https://www.youtube.com/', app: 'youtube' },
    { referrer: 'https://away.vk.com/away.php?to=x', app: 'vk' },
    { referrer: 'https://ok.ru/', app: 'ok' },
    { referrer: 'https://bsky.app/profile/someone', app: 'bluesky' },
    { referrer: 'https://mastodon.social/@someone', app: 'mastodon' },
    { referrer: 'https://news.ycombinator.com/item?id=1', app: 'hacker_news' },
    { referrer: 'https://my.mail.ru/', app: 'mail_ru' },
    { referrer: 'https://m.blog.naver.com/someone/1', app: 'naver_blog' },
    { referrer: 'android-app://com.linkedin.android', app: 'linkedin' },
    { referrer: 'android-app://com.reddit.frontpage', app: 'reddit' },
    { referrer: 'android-app://com.pinterest', app: 'pinterest' },
  ])('$referrer is social ($app)', ({ referrer, app }) => {
    expect(classifyReferrer(referrer, OWN_HOSTS)).toMatchObject({ medium: 'social', app })
  })
})

describe('search engines worldwide are search', () => {
  it.each([
    { referrer: 'https://www.google.com/', app: 'google' },
    { referrer: 'https://www.google.co.uk/', app: 'google' },
    { referrer: 'https://www.google.de/search?q=umbra', app: 'google' },
    { referrer: 'https://www.google.com.br/', app: 'google' },
    { referrer: 'https://www.google.co.jp/search?q=x', app: 'google' },
    { referrer: 'https://news.google.com/', app: 'google' },
    { referrer: 'https://www.bing.com/search?q=x', app: 'bing' },
    { referrer: 'https://cn.bing.com/', app: 'bing' },
    { referrer: 'https://duckduckgo.com/', app: 'duckduckgo' },
    { referrer: 'https://www.baidu.com/link?url=abc', app: 'baidu' },
    { referrer: 'https://m.baidu.com/', app: 'baidu' },
    { referrer: 'https://tieba.baidu.com/p/1', app: 'baidu' },
    { referrer: 'https://websearch.rakuten.co.jp/', app: null },
    { referrer: 'https://www.daemon-search.com/', app: null },
    { referrer: 'https://yandex.ru/search/?text=x', app: 'yandex' },
    { referrer: 'https://yandex.com.tr/', app: 'yandex' },
    { referrer: 'https://ya.ru/', app: 'yandex' },
    { referrer: 'https://search.naver.com/search.naver?query=x', app: 'naver' },
    { referrer: 'https://search.seznam.cz/?q=x', app: 'seznam' },
    { referrer: 'https://www.seznam.cz/', app: 'seznam' },
    { referrer: 'https://www.ecosia.org/search?q=x', app: 'ecosia' },
    { referrer: 'https://www.qwant.com/?q=x', app: 'qwant' },
    { referrer: 'https://www.sogou.com/web?query=x', app: 'sogou' },
    { referrer: 'https://m.so.com/', app: '360_search' },
    { referrer: 'https://search.yahoo.com/search?p=x', app: 'yahoo' },
    { referrer: 'https://fr.search.yahoo.com/', app: 'yahoo' },
    { referrer: 'https://search.yahoo.co.jp/', app: 'yahoo' },
    { referrer: 'https://go.mail.ru/search?q=x', app: 'mail_ru' },
    { referrer: 'https://search.brave.com/search?q=x', app: 'brave_search' },
    { referrer: 'https://www.startpage.com/', app: 'startpage' },
    { referrer: 'https://kagi.com/search?q=x', app: 'kagi' },
    { referrer: 'https://coccoc.com/search', app: 'coccoc' },
    { referrer: 'https://search.daum.net/search?q=x', app: 'daum' },
    { referrer: 'https://suche.web.de/web?q=x', app: 'web_de' },
    { referrer: 'https://search.aol.com/aol/search?q=x', app: 'aol' },
    { referrer: 'https://www.google.it.ao/', app: 'google' },
    { referrer: 'android-app://com.google.android.googlequicksearchbox/https/www.google.com', app: 'google' },
  ])('$referrer is search ($app)', ({ referrer, app }) => {
    expect(classifyReferrer(referrer, OWN_HOSTS)).toMatchObject({ medium: 'search', app })
  })
})

describe('our own host is internal', () => {
  it.each([
    { referrer: 'https://sho.rt/abc', ownHosts: ['sho.rt'] },
    { referrer: 'https://www.sho.rt/', ownHosts: ['sho.rt'] },
    { referrer: 'http://SHO.RT:8080/x', ownHosts: ['sho.rt'] },
    { referrer: 'http://localhost:8080/x', ownHosts: ['localhost:8080'] },
  ])('$referrer with own hosts $ownHosts', ({ referrer, ownHosts }) => {
    expect(classifyReferrer(referrer, ownHosts)).toMatchObject({ medium: 'internal', app: null })
  })
})

describe('everything else is a referral', () => {
  it.each([
    { referrer: 'https://example.com/blog/post' },
    { referrer: 'https://www.researchgate.net/publication/1' },
    { referrer: 'https://torg.mail.ru/' },
    { referrer: 'https://notgoogle.com/' },
    { referrer: 'https://google.example.com/' },
    { referrer: 'https://www.dailymail.co.uk/news/' },
    { referrer: 'https://chatgpt.com/' },
    { referrer: 'https://www.perplexity.ai/search/x' },
    { referrer: 'https://support.google.com/mail/answer/1' },
    { referrer: 'https://maps.google.com/' },
    { referrer: 'https://docs.google.com/document/d/1' },
    { referrer: 'https://news.yahoo.com/' },
    { referrer: 'https://maps.yandex.ru/' },
    { referrer: 'https://medium.com/@someone/post' },
    { referrer: 'https://someone.substack.com/p/post' },
    { referrer: 'https://trc.taboola.com/' },
    { referrer: 'https://192.168.1.10/' },
    { referrer: 'android-app://com.example.app' },
    { referrer: 'not a url' },
  ])('$referrer', ({ referrer }) => {
    expect(classifyReferrer(referrer, OWN_HOSTS)).toMatchObject({ medium: 'referral' })
  })
})

describe('what a referrer means for a click', () => {
  it.each([
    { referrer: '', medium: 'direct', visibility: 'dark', reason: 'no referrer' },
    {
      referrer: 'https://mail.google.com/',
      medium: 'email',
      visibility: 'dark',
      reason: 'referrer mail.google.com is webmail',
    },
    {
      referrer: 'https://web.whatsapp.com/',
      medium: 'messaging',
      visibility: 'dark',
      reason: 'referrer web.whatsapp.com is a messenger',
    },
    { referrer: 'https://t.co/x', medium: 'social', visibility: 'public', reason: 'referrer t.co is a social network' },
    {
      referrer: 'https://www.google.fr/',
      medium: 'search',
      visibility: 'public',
      reason: 'referrer www.google.fr is a search engine',
    },
    {
      referrer: 'https://sho.rt/x',
      medium: 'internal',
      visibility: 'public',
      reason: 'referrer sho.rt is our own host',
    },
    {
      referrer: 'https://example.org/',
      medium: 'referral',
      visibility: 'public',
      reason: 'referrer example.org is another website',
    },
  ])('$medium is $visibility: "$reason"', ({ referrer, medium, visibility, reason }) => {
    expect(classifyClick({ ua: FIREFOX, referrer }, { ownHosts: OWN_HOSTS })).toMatchObject({
      kind: 'human',
      medium,
      visibility,
      reason,
    })
  })
})
