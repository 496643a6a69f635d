import { describe, expect, it } from 'vitest'
import { classifyReferrer } from './classify-referrer.ts'

const classify = (referrer: string) => classifyReferrer(referrer, ['sho.rt'])

describe('class 5: "mail" is read as a whole label, never as a substring', () => {
  it.each([
    { referrer: 'https://www.mailonline.com/news/article-1', why: "Daily Mail's news site" },
    { referrer: 'https://www.dailymail.co.uk/news/', why: 'a newspaper' },
    { referrer: 'https://www.mailerlite.com/blog', why: "a newsletter vendor's blog" },
    { referrer: 'https://mailman.example.org/pipermail/list/2024/001.html', why: 'a mailing list archive' },
    { referrer: 'android-app://com.dailymail.online', why: "a newspaper's app" },
  ])('$referrer is a referral ($why)', ({ referrer }) => {
    expect(classify(referrer)).toMatchObject({ medium: 'referral' })
  })

  it.each([
    // Structured labels: the ISP's webmail front end, whatever the ISP.
    { referrer: 'https://webmail.example-isp.net/', app: null },
    { referrer: 'https://mailbusiness.ionos.de/', app: null },
    { referrer: 'https://wmail.orange.fr/', app: null },
    { referrer: 'https://correo.movistar.es/', app: null },
    { referrer: 'https://posta.tim.it/', app: null },
    { referrer: 'https://email.cz/', app: null },
    // Regional mail services whose names are not mail words, by name.
    { referrer: 'https://www.abv.bg/', app: null },
    { referrer: 'https://freemail.hu/', app: null },
    { referrer: 'https://www.inbox.lv/', app: null },
    { referrer: 'https://sibmail.com/', app: null },
    { referrer: 'https://outlook.hotmail.co.uk/', app: 'outlook' },
  ])('$referrer is email', ({ referrer, app }) => {
    expect(classify(referrer)).toMatchObject({ medium: 'email', app })
  })
})

describe('class 5: fediverse instances', () => {
  it.each([
    // Largest instances by name (joinmastodon.org/servers, fedidb.org).
    { referrer: 'https://chaos.social/', app: 'mastodon' },
    { referrer: 'https://hachyderm.io/@someone', app: 'mastodon' },
    { referrer: 'https://misskey.io/', app: 'misskey' },
    { referrer: 'https://lemmy.world/post/1', app: 'lemmy' },
    { referrer: 'https://pixelfed.social/p/someone/123456789', app: 'pixelfed' },
    // A label naming the software.
    { referrer: 'https://mastodon.example-town.org/', app: 'mastodon' },
    { referrer: 'https://misskey.example.jp/', app: 'misskey' },
    { referrer: 'https://peertube.example.fr/w/abc', app: 'peertube' },
    // A post's path on fediverse software, on a host nobody listed.
    { referrer: 'https://eldritch.example/@alice/113456789012345678', app: null },
    { referrer: 'https://eldritch.example/notes/9kx3p7q2ab', app: null },
    { referrer: 'https://blob.example/notice/AbCdEf12345GhIjKl', app: null },
    { referrer: 'https://blob.example/objects/0f8c3b2a-1d4e-4f6a-9b7c-2e1d3c4b5a69', app: null },
    { referrer: 'https://social.example/users/alice/statuses/113456789012345678', app: null },
  ])('$referrer is social ($app)', ({ referrer, app }) => {
    expect(classify(referrer)).toMatchObject({ medium: 'social', app })
  })

  it.each([
    'https://medium.com/@someone/a-title-1a2b3c4d5e6f',
    'https://someone.substack.com/p/post',
    'https://example.com/@someone',
  ])('%s is not a fediverse post', (referrer) => {
    expect(classify(referrer)).toMatchObject({ medium: 'referral' })
  })
})

describe('class 5: long-tail search engines and the Stack Exchange network', () => {
  it.each([
    { referrer: 'https://search.zum.com/search.zum?query=x', medium: 'search' },
    { referrer: 'https://www.zum.com/', medium: 'search' },
    { referrer: 'https://so.toutiao.com/search?keyword=x', medium: 'search' },
    { referrer: 'https://www.chinaso.com/', medium: 'search' },
    { referrer: 'https://parsijoo.ir/web?q=x', medium: 'search' },
    { referrer: 'https://www.yaani.com.tr/', medium: 'search' },
    { referrer: 'https://searx.example.org/search', medium: 'search' },
    { referrer: 'https://you.com/search?q=x', medium: 'search' },
    // Long tail from Matomo's SearchEngines.yml: search words in labels, and engines listed by name.
    { referrer: 'https://find.tdc.dk/', medium: 'search' },
    { referrer: 'https://sok.start.no/', medium: 'search' },
    { referrer: 'https://chercherfr.aguea.com/', medium: 'search' },
    { referrer: 'https://www.cercato.it/', medium: 'search' },
    { referrer: 'https://www.baidu.co.th/', medium: 'search' },
    { referrer: 'https://lycos.de/', medium: 'search' },
    { referrer: 'https://www.toppreise.ch/', medium: 'search' },
    { referrer: 'https://fetlife.com/', medium: 'social' },
    { referrer: 'https://www.v2ex.com/t/1', medium: 'social' },
    { referrer: 'https://superuser.com/questions/1', medium: 'social' },
    { referrer: 'https://serverfault.com/questions/1', medium: 'social' },
    { referrer: 'https://askubuntu.com/questions/1', medium: 'social' },
    { referrer: 'https://mathoverflow.net/questions/1', medium: 'social' },
    { referrer: 'https://unix.stackexchange.com/questions/1', medium: 'social' },
    { referrer: 'https://ru.stackoverflow.com/questions/1', medium: 'social' },
  ])('$referrer is $medium', ({ referrer, medium }) => {
    expect(classify(referrer)).toMatchObject({ medium })
  })
})
