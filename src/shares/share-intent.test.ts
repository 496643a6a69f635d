import { describe, expect, it } from 'vitest'
import { CHANNELS, findChannel } from './channels.ts'
import { fillIntent, shareUrlsFor } from './share-intent.ts'

const SHORT = 'https://go.example.com/Ab3x9Kq'
const QR = 'https://go.example.com/api/v1/links/Ab3x9Kq/qr.svg'
const PAGE = 'https://news.example/climate?utm_source=messenger&x=1#top'
const FB_APP = '123456789012345'

/** What each intent must look like: the part before `?`, and which query parameter carries what. */
type Value = 'url' | 'title' | 'text' | 'page' | 'facebookAppId'
const INTENTS: {
  channel: string
  base: string
  params: Record<string, Value>
  desktop?: { base: string; params: Record<string, Value> }
}[] = [
  { channel: 'whatsapp', base: 'https://wa.me/', params: { text: 'text' } },
  { channel: 'telegram', base: 'https://t.me/share/url', params: { url: 'url', text: 'title' } },
  {
    channel: 'messenger',
    base: 'fb-messenger://share',
    params: { link: 'url' },
    // The sharer is sent back to the page, not to the short link (that would count them as a click).
    desktop: {
      base: 'https://www.facebook.com/dialog/send',
      params: { app_id: 'facebookAppId', link: 'url', redirect_uri: 'page' },
    },
  },
  { channel: 'sms', base: 'sms:', params: { body: 'text' } },
  { channel: 'email', base: 'mailto:', params: { subject: 'title', body: 'text' } },
  { channel: 'line', base: 'https://line.me/R/share', params: { text: 'text' } },
  { channel: 'viber', base: 'viber://forward', params: { text: 'text' } },
  { channel: 'facebook', base: 'https://www.facebook.com/sharer/sharer.php', params: { u: 'url' } },
  { channel: 'x', base: 'https://x.com/intent/post', params: { url: 'url', text: 'title' } },
  { channel: 'linkedin', base: 'https://www.linkedin.com/sharing/share-offsite/', params: { url: 'url' } },
  { channel: 'reddit', base: 'https://www.reddit.com/submit', params: { url: 'url', title: 'title' } },
  {
    channel: 'pinterest',
    base: 'https://www.pinterest.com/pin/create/button/',
    params: { url: 'url', description: 'title' },
  },
  { channel: 'threads', base: 'https://www.threads.com/intent/post', params: { text: 'text' } },
  { channel: 'bluesky', base: 'https://bsky.app/intent/compose', params: { text: 'text' } },
]

const TITLES = [
  { name: 'ampersand and hash', title: 'Rock & Roll #1: 100% true?' },
  { name: 'plus, equals and slash', title: 'a+b=c / d' },
  { name: 'emoji', title: 'Climate 🌍🔥 — what now' },
  { name: 'right-to-left text', title: 'مرحبا بالعالم & שלום' },
  { name: 'quotes and angle brackets', title: `"<script>" & 'x'` },
  { name: 'no title', title: null },
]

/** Splits an intent into its base and decoded parameters, refusing any raw character that could break out. */
function parseIntent(href: string) {
  const q = href.indexOf('?')
  const query = href.slice(q + 1)
  expect(query).toMatch(/^[A-Za-z0-9_&=%.~*'()!-]*$/) // only unreserved characters and escapes in values
  const params: Record<string, string> = {}
  for (const pair of query.split('&').filter(Boolean)) {
    const [name, value] = pair.split('=')
    params[name] = decodeURIComponent(value)
  }
  return { base: href.slice(0, q), params }
}

const cases = INTENTS.flatMap((intent) => TITLES.map((t) => ({ ...intent, ...t })))

describe('share intents', () => {
  it.each(cases)(
    '$channel with $name: every value round-trips through its parameter',
    ({ channel, base, params, desktop, title }) => {
      const expected = {
        url: SHORT,
        title: title ?? '',
        text: title ? `${title} ${SHORT}` : SHORT,
        page: PAGE,
        facebookAppId: FB_APP,
      }
      const urls = shareUrlsFor(findChannel(channel)!, { shortUrl: SHORT, title, page: PAGE }, QR, {
        facebookAppId: FB_APP,
      })
      const parsed = parseIntent(urls.shareUrl)
      expect(parsed.base).toBe(base)
      expect(parsed.params).toEqual(
        Object.fromEntries(Object.entries(params).map(([name, what]) => [name, expected[what]])),
      )
      if (desktop) {
        const d = parseIntent(urls.desktopShareUrl!)
        expect(d.base).toBe(desktop.base)
        expect(d.params).toEqual(
          Object.fromEntries(Object.entries(desktop.params).map(([name, what]) => [name, expected[what]])),
        )
      } else {
        expect(urls.desktopShareUrl).toBeNull()
      }
    },
  )

  it('leaves out a desktop intent that needs a setting the deployment lacks (Messenger without FACEBOOK_APP_ID)', () => {
    const urls = shareUrlsFor(findChannel('messenger')!, { shortUrl: SHORT, title: 'T', page: PAGE }, QR)
    expect(urls).toEqual({ shareUrl: `fb-messenger://share?link=${encodeURIComponent(SHORT)}`, desktopShareUrl: null })
    expect(
      fillIntent('https://x.example/?app={facebookAppId}&u={url}', { shortUrl: SHORT, title: null, page: PAGE }),
    ).toBeNull()
  })

  it('covers every intent channel of the registry', () => {
    expect(
      CHANNELS.filter((c) => c.shareMethod === 'intent')
        .map((c) => c.id)
        .sort(),
    ).toEqual(INTENTS.map((i) => i.channel).sort())
  })

  it.each([
    {
      channel: 'whatsapp',
      title: 'Rock & Roll #1',
      href: 'https://wa.me/?text=Rock%20%26%20Roll%20%231%20https%3A%2F%2Fgo.example.com%2FAb3x9Kq',
    },
    {
      channel: 'email',
      title: 'Ça & là',
      href: 'mailto:?subject=%C3%87a%20%26%20l%C3%A0&body=%C3%87a%20%26%20l%C3%A0%20https%3A%2F%2Fgo.example.com%2FAb3x9Kq',
    },
    { channel: 'sms', title: '🌍', href: 'sms:?&body=%F0%9F%8C%8D%20https%3A%2F%2Fgo.example.com%2FAb3x9Kq' },
    { channel: 'x', title: null, href: 'https://x.com/intent/post?url=https%3A%2F%2Fgo.example.com%2FAb3x9Kq&text=' },
  ])('$channel, title $title → $href', ({ channel, title, href }) => {
    expect(shareUrlsFor(findChannel(channel)!, { shortUrl: SHORT, title, page: PAGE }, QR).shareUrl).toBe(href)
  })

  it.each(['copy', 'slack', 'teams', 'discord', 'signal', 'wechat', 'mastodon', 'newsletter', 'web'])(
    '%s is shared by copying the short link itself',
    (id) => {
      expect(shareUrlsFor(findChannel(id)!, { shortUrl: SHORT, title: 'T', page: PAGE }, QR)).toEqual({
        shareUrl: SHORT,
        desktopShareUrl: null,
      })
    },
  )

  it('the qr channel shares the QR image of the short link', () => {
    expect(shareUrlsFor(findChannel('qr')!, { shortUrl: SHORT, title: 'T', page: PAGE }, QR).shareUrl).toBe(QR)
  })

  it('leaves a template without placeholders as it is', () => {
    expect(fillIntent('https://example.com/share', { shortUrl: SHORT, title: 'x', page: PAGE })).toBe(
      'https://example.com/share',
    )
  })
})

describe('channel registry', () => {
  it('has unique lower-case ids and a visibility for each channel', () => {
    const ids = CHANNELS.map((c) => c.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const c of CHANNELS) {
      expect(c.id).toMatch(/^[a-z][a-z0-9_-]{0,31}$/)
      expect(['private', 'public', 'owned']).toContain(c.visibility)
    }
  })

  it.each([
    ['whatsapp', 'private'],
    ['messenger', 'private'],
    ['telegram', 'private'],
    ['signal', 'private'],
    ['sms', 'private'],
    ['email', 'private'],
    ['wechat', 'private'],
    ['line', 'private'],
    ['viber', 'private'],
    ['slack', 'private'],
    ['teams', 'private'],
    ['discord', 'private'],
    ['copy', 'private'],
    ['facebook', 'public'],
    ['x', 'public'],
    ['linkedin', 'public'],
    ['reddit', 'public'],
    ['pinterest', 'public'],
    ['threads', 'public'],
    ['bluesky', 'public'],
    ['mastodon', 'public'],
    ['newsletter', 'owned'],
    ['qr', 'owned'],
    ['web', 'owned'],
  ])('%s is %s', (id, visibility) => {
    expect(findChannel(id)?.visibility).toBe(visibility)
  })
})
