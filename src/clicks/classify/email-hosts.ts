import type { HostGroup } from './host-group.ts'

/**
 * Webmail hosts worldwide. A key matches that host and its subdomains; "brand.*" matches the brand under
 * any public suffix (mail.yahoo.* → mail.yahoo.co.jp). Hosts whose leading label already says "mail"
 * (webmail.tim.it, email.seznam.cz, poczta.wp.pl) need no row: see WEBMAIL_LABEL in referrer-hosts.ts.
 * A name that merely contains "mail" is not a mail service (mailonline.com is a newspaper), so mail
 * services whose registrable name is not a whole mail word are listed by name.
 */
export const EMAIL_HOSTS: readonly HostGroup[] = [
  { app: 'gmail', hosts: ['mail.google.*', 'inbox.google.*', 'gmail.com', 'googlemail.com'] },
  {
    app: 'outlook',
    hosts: [
      'outlook.live.com', 'mail.live.com', 'outlook.office.com', 'outlook.office365.com', 'outlook.com',
      'hotmail.*', 'windowslive.com', 'outlook.cloud.microsoft', 'safelinks.protection.outlook.com', 'msn.com/mail',
    ],
  },
  { app: 'yahoo_mail', hosts: ['mail.yahoo.*', 'mail.yahoo.net', 'ymail.com', 'rocketmail.com'] },
  { app: 'aol_mail', hosts: ['mail.aol.*'] },
  { app: 'icloud_mail', hosts: ['icloud.com', 'me.com'] },
  { app: 'proton_mail', hosts: ['proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me'] },
  { app: 'zoho_mail', hosts: ['mail.zoho.*', 'zohomail.com'] },
  { app: 'fastmail', hosts: ['fastmail.com', 'fastmail.fm'] },
  { app: 'tuta', hosts: ['tuta.com', 'tutanota.com', 'tutanota.de', 'tuta.io'] },
  { app: 'hey', hosts: ['app.hey.com'] },
  { app: 'superhuman', hosts: ['mail.superhuman.com'] },
  { app: 'posteo', hosts: ['posteo.de', 'posteo.net'] },
  { app: 'mailbox_org', hosts: ['mailbox.org'] },
  // Germany: GMX, WEB.DE, 1&1/IONOS and mail.com route outbound links through deref-* hosts (see DEREFERRER).
  { app: 'gmx', hosts: ['gmx.*'] },
  { app: 'web_de', hosts: ['web.de'] },
  { app: 'mail_com', hosts: ['mail.com'] },
  { app: 't_online', hosts: ['email.t-online.de', 'mail.t-online.de'] },
  { app: 'freenet', hosts: ['webmail.freenet.de', 'mail.freenet.de'] },
  // Russia and neighbours; mail.ru itself is the portal's search (see SEARCH_HOSTS).
  { app: 'yandex_mail', hosts: ['mail.yandex.*', 'mail.ya.ru'] },
  { app: 'mail_ru', hosts: ['e.mail.ru', 'touch.mail.ru', 'octavius.mail.ru', 'light.mail.ru', 'm.e.mail.ru'] },
  { app: 'rambler_mail', hosts: ['mail.rambler.ru'] },
  { app: 'beeline_mail', hosts: ['post.ru'] },
  { app: 'ukr_net', hosts: ['mail.ukr.net'] },
  // China
  { app: 'qq_mail', hosts: ['mail.qq.com', 'exmail.qq.com', 'wx.mail.qq.com'] },
  { app: 'netease_mail', hosts: ['mail.163.com', 'mail.126.com', '126.com', 'mail.yeah.net', 'yeah.net', 'email.163.com'] },
  { app: 'sina_mail', hosts: ['mail.sina.com.cn', 'mail.sina.cn'] },
  { app: 'aliyun_mail', hosts: ['mail.aliyun.com', 'qiye.aliyun.com'] },
  { app: '139_mail', hosts: ['mail.10086.cn'] },
  // Korea and Japan
  { app: 'naver_mail', hosts: ['mail.naver.com'] },
  { app: 'daum_mail', hosts: ['mail.daum.net', 'mail2.daum.net', 'hanmail.net', 'mail.kakao.com'] },
  { app: 'nifty_mail', hosts: ['mail.nifty.com'] },
  // France, Italy, Spain, Switzerland
  { app: 'orange_mail', hosts: ['messagerie.orange.fr', 'mail.orange.fr', 'webmail.orange.fr', 'orange.fr/webmail'] },
  { app: 'free_mail', hosts: ['webmail.free.fr', 'zimbra.free.fr', 'imp.free.fr'] },
  { app: 'sfr_mail', hosts: ['messagerie.sfr.fr', 'webmail.sfr.fr'] },
  { app: 'laposte_mail', hosts: ['laposte.net'] },
  { app: 'libero_mail', hosts: ['mail.libero.it'] },
  { app: 'virgilio_mail', hosts: ['mail.virgilio.it'] },
  { app: 'tim_mail', hosts: ['webmail.tim.it', 'mail.tim.it'] },
  { app: 'bluewin', hosts: ['bluewin.ch'] },
  { app: 'infomaniak_mail', hosts: ['mail.infomaniak.com'] },
  // Czechia, Poland
  { app: 'seznam_email', hosts: ['email.seznam.cz', 'post.cz'] },
  { app: 'wp_poczta', hosts: ['poczta.wp.pl'] },
  { app: 'onet_poczta', hosts: ['poczta.onet.pl'] },
  { app: 'interia_poczta', hosts: ['poczta.interia.pl'] },
  // Australia, New Zealand, North America, India
  { app: 'bigpond', hosts: ['bigpond.com', 'email.telstra.com'] },
  { app: 'xfinity_mail', hosts: ['connect.xfinity.com'] },
  { app: 'rediffmail', hosts: ['rediffmail.com', 'mail.rediff.com'] },
  { app: 'inbox_com', hosts: ['inbox.com'] },
  // Regional mail services, by name (each checked on the provider's own site): Baltics, Balkans, Hungary,
  // Netherlands, Poland, Slovakia, Czechia, Russia, Israel, Brazil, Korea, US dial-up era, privacy-first.
  {
    app: null,
    hosts: [
      'sibmail.com', 'mastermail.ru', 'inbox.lv', 'inbox.lt', 'inbox.eu', 'hot.ee', 'mail.ee', 'abv.bg', 'mail.bg', 'dir.bg',
      'freemail.hu', 'citromail.hu', 'kpnmail.nl', 'o2.pl', 'tlen.pl', 'vp.pl', 'gazeta.pl/poczta', 'azet.sk/posta',
      'centrum.sk/mail', 'email.cz', 'atlas.cz/mail', 'pochta.ru', 'bk.ru', 'list.ru', 'inbox.ru', 'mail.kz',
      'i.ua/mail', 'walla.co.il/mail', 'bol.com.br', 'juno.com', 'netzero.net', 'currently.com',
      'mailfence.com', 'runbox.com', 'startmail.com', 'hushmail.com', 'countermail.com', 'mail.de', 'freenet-mail.de',
      'web.de/email', 'yandex.com/mail', 'lycos.com/mail', 'rediff.com/mail',
    ],
  },
  // Newsletter platforms: their archive and tracking hosts sit between a mailbox and the link.
  { app: 'mailchimp', hosts: ['list-manage.com', 'campaign-archive.com', 'mailchi.mp'] },
]
