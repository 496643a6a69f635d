import { apiUrl } from '../api.js'
import { copyButton } from '../copy-button.js'
import { h } from '../element.js'
import { channelLabel } from '../labels.js'

/**
 * A share kit's links: each channel's short link and share intent, with copy buttons and the QR code.
 * @typedef {{ channel: string, label?: string, shareMethod?: 'intent' | 'copy' | 'qr', code: string, shortUrl: string, shareUrl?: string | null, desktopShareUrl?: string | null }} KitLink
 * @param {KitLink[]} links
 * @param {{ caption: string }} opts
 */
export function kitTable(links, { caption }) {
  return h(
    'table',
    { class: 'kit responsive' },
    h('caption', null, caption),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Channel'),
        h('th', { scope: 'col' }, 'Short link'),
        h('th', { scope: 'col' }, 'Share intent'),
        h('th', { scope: 'col' }, 'QR code'),
      ),
    ),
    h(
      'tbody',
      null,
      links.map((l) => {
        const name = l.label ?? channelLabel(l.channel)
        // The intent a phone opens (wa.me, fb-messenger://…) is what gets copied; a desktop browser opens its web twin.
        const intent = l.shareMethod === 'intent' && l.shareUrl && l.shareUrl !== l.shortUrl ? l.shareUrl : null
        const openable = openableIntent(l, intent)
        return h(
          'tr',
          { 'data-channel': l.channel },
          h(
            'th',
            { scope: 'row', 'data-label': 'Channel' },
            h('a', { href: `/dashboard/links/${encodeURIComponent(l.code)}` }, name),
          ),
          h(
            'td',
            { 'data-label': 'Short link' },
            h('code', { class: 'short' }, l.shortUrl),
            ' ',
            copyButton(l.shortUrl, { label: shortLinkLabel(l.channel, name) }),
          ),
          h(
            'td',
            { 'data-label': 'Share intent' },
            intent
              ? [
                  copyButton(intent, { label: `Copy the ${name} share intent`, visible: 'Copy intent' }),
                  ' ',
                  openable
                    ? h(
                        'a',
                        { href: openable, target: '_blank', rel: 'noopener noreferrer', class: 'button small quiet' },
                        'Open',
                        h('span', { class: 'visually-hidden' }, ` the ${name} share intent (new tab)`),
                      )
                    : h('span', { class: 'muted small' }, `opens the ${name} app on a phone`),
                ]
              : h(
                  'span',
                  { class: 'muted' },
                  l.shareMethod === 'qr' ? 'print or show the QR code' : 'paste the short link',
                ),
          ),
          h('td', { 'data-label': 'QR code' }, qrLinks(l.code, name)),
        )
      }),
    ),
  )
}

const MOBILE = /Android|iPhone|iPad|iPod|Mobile/i.test(navigator.userAgent)

/**
 * What "Open" may open here: the desktop twin of an intent, or the intent itself when this browser can
 * follow it. An app's own scheme (fb-messenger:, viber:) opens nothing on a desktop: no button there,
 * as the widget copies the link instead.
 * @param {KitLink} l
 * @param {string | null} intent
 */
function openableIntent(l, intent) {
  if (!MOBILE && l.desktopShareUrl) return l.desktopShareUrl
  if (!intent) return null
  return MOBILE || /^(https?|mailto|sms):/i.test(intent) ? intent : null
}

/** "Copy the WhatsApp short link"; the copy and share-sheet channels are named by what they are for, not echoed. */
function shortLinkLabel(/** @type {string} */ channel, /** @type {string} */ name) {
  if (channel === 'copy') return 'Copy the short link for pasting anywhere'
  if (channel === 'native') return 'Copy the short link of the phone’s share sheet'
  return `Copy the ${name} short link`
}

/** SVG and PNG downloads of a link's QR code (the API renders them; the session cookie authorises the GET). */
export function qrLinks(
  /** @type {string} */ code,
  /** @type {string} */ name = code,
  /** @type {string | undefined} */ domain = undefined,
) {
  const onDomain = domain ? { domain } : {}
  return h(
    'span',
    { class: 'qr-links' },
    h(
      'a',
      {
        href: apiUrl(`/api/v1/links/${encodeURIComponent(code)}/qr.svg`, onDomain),
        download: `${code}.svg`,
        class: 'button small quiet',
      },
      'SVG',
      h('span', { class: 'visually-hidden' }, ` QR code for ${name}`),
    ),
    h(
      'a',
      {
        href: apiUrl(`/api/v1/links/${encodeURIComponent(code)}/qr.png`, onDomain),
        download: `${code}.png`,
        class: 'button small quiet',
      },
      'PNG',
      h('span', { class: 'visually-hidden' }, ` QR code for ${name}`),
    ),
  )
}
