import type { HostGroup } from './host-group.ts'

/** Web messengers and the redirect hosts messaging apps put in front of shared links. */
export const MESSAGING_HOSTS: readonly HostGroup[] = [
  { app: 'whatsapp', hosts: ['whatsapp.com', 'whatsapp.net', 'wa.me'] },
  { app: 'telegram', hosts: ['telegram.org', 't.me', 'telegram.me', 'telegram.dog'] },
  { app: 'messenger', hosts: ['messenger.com', 'm.me', 'facebook.com/messages'] },
  { app: 'slack', hosts: ['slack.com', 'slack-redir.net'] },
  { app: 'discord', hosts: ['discord.com', 'discordapp.com', 'discord.gg', 'discordapp.net'] },
  {
    app: 'teams',
    hosts: [
      'teams.microsoft.com',
      'teams.live.com',
      'teams.cloud.microsoft',
      'teams.cdn.office.net',
      'teams.microsoft.us',
    ],
  },
  { app: 'skype', hosts: ['skype.com', 'join.skype.com'] },
  { app: 'google_chat', hosts: ['chat.google.com', 'hangouts.google.com', 'mail.google.com/chat'] },
  { app: 'google_messages', hosts: ['messages.google.com'] },
  { app: 'google_voice', hosts: ['voice.google.com'] },
  { app: 'viber', hosts: ['viber.com', 'vb.me'] },
  { app: 'line', hosts: ['line.me', 'line.naver.jp', 'lin.ee'] },
  { app: 'wechat', hosts: ['weixin.qq.com', 'wx.qq.com', 'wx2.qq.com', 'wechat.com', 'web.wechat.com'] },
  { app: 'kakaotalk', hosts: ['open.kakao.com', 'talk.kakao.com'] },
  { app: 'signal', hosts: ['signal.org', 'signal.me', 'signal.group'] },
  { app: 'zalo', hosts: ['zalo.me', 'chat.zalo.me'] },
  { app: 'element', hosts: ['app.element.io', 'matrix.to'] },
  { app: 'threema', hosts: ['threema.id'] },
  { app: 'imo', hosts: ['imo.im'] },
  { app: 'kik', hosts: ['kik.com', 'kik.me'] },
  { app: 'icq', hosts: ['web.icq.com', 'icq.im'] },
]
