import type { HostGroup } from './host-group.ts'

/**
 * Hosts under a search or mail brand that are neither search nor mail: a maps, news, finance or
 * AI-assistant page is an ordinary referral. They exist to shadow the brand rows ("google.*", "yahoo.*").
 */
export const REFERRAL_HOSTS: readonly HostGroup[] = [
  {
    app: 'google',
    hosts: [
      'support.google.*', 'developers.google.*', 'maps.google.*', 'accounts.google.*', 'drive.google.*',
      'docs.google.*', 'sites.google.*', 'groups.google.*', 'calendar.google.*', 'photos.google.*',
      'play.google.*', 'cloud.google.*', 'console.cloud.google.*', 'analytics.google.*', 'ads.google.*',
      'keep.google.*', 'translate.google.*', 'earth.google.*', 'classroom.google.*', 'meet.google.*',
      'myaccount.google.*', 'business.google.*', 'notebooklm.google.*', 'lens.google.*', 'google.com/maps',
    ],
  },
  { app: 'gemini', hosts: ['gemini.google.com', 'bard.google.com', 'aistudio.google.com'] },
  {
    app: 'yahoo',
    hosts: [
      'finance.yahoo.*', 'news.yahoo.*', 'sports.yahoo.*', 'eurosport.yahoo.*', 'astrology.yahoo.*',
      'travel.yahoo.*', 'answers.yahoo.*', 'screen.yahoo.*', 'weather.yahoo.*', 'messenger.yahoo.*',
      'games.yahoo.*', 'shopping.yahoo.*', 'movies.yahoo.*', 'cars.yahoo.*', 'autos.yahoo.*',
      'lifestyle.yahoo.*', 'omg.yahoo.*', 'match.yahoo.*', 'celebrity.yahoo.*', 'tv.yahoo.*', 'music.yahoo.*',
      'groups.yahoo.*', 'health.yahoo.*', 'style.yahoo.*', 'beauty.yahoo.*', 'food.yahoo.*', 'login.yahoo.*',
    ],
  },
  {
    app: 'yandex',
    hosts: ['maps.yandex.*', 'market.yandex.*', 'zen.yandex.*', 'music.yandex.*', 'disk.yandex.*', 'translate.yandex.*', 'an.yandex.*', 'yabs.yandex.*', 'dzen.ru'],
  },
  { app: 'bing', hosts: ['bing.com/maps', 'bing.com/chat', 'copilot.microsoft.com'] },
  { app: 'baidu', hosts: ['map.baidu.com', 'pan.baidu.com', 'baike.baidu.com'] },
  { app: 'naver', hosts: ['map.naver.com', 'news.naver.com', 'n.news.naver.com', 'comic.naver.com'] },
  // Answer engines and chat assistants cite pages like any other website.
  { app: 'chatgpt', hosts: ['chatgpt.com', 'chat.openai.com', 'openai.com'] },
  { app: 'claude', hosts: ['claude.ai'] },
  { app: 'perplexity', hosts: ['perplexity.ai'] },
  { app: 'mistral', hosts: ['chat.mistral.ai', 'mistral.ai'] },
  { app: 'poe', hosts: ['poe.com'] },
  { app: 'microsoft_copilot', hosts: ['copilot.cloud.microsoft', 'm365.cloud.microsoft'] },
  { app: 'live', hosts: ['login.live.com', 'account.live.com', 'onedrive.live.com'] },
  // Paid recommendation widgets sit on publishers' pages; the page is the source, not a search.
  { app: null, hosts: ['outbrain.com', 'taboola.com', 'criteo.com', 'doubleclick.net', 'googleadservices.com', 'torg.mail.ru'] },
]
