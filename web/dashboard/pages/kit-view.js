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
        const openable = l.desktopShareUrl ?? intent
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
            copyButton(l.shortUrl, { label: `Copy the ${name} short link` }),
          ),
          h(
            'td',
            { 'data-label': 'Share intent' },
            intent
              ? [
                  copyButton(intent, { label: `Copy the ${name} share intent`, visible: 'Copy intent' }),
                  ' ',
                  h(
                    'a',
                    { href: openable, target: '_blank', rel: 'noopener noreferrer', class: 'button small quiet' },
                    'Open',
                    h('span', { class: 'visually-hidden' }, ` the ${name} share intent (new tab)`),
                  ),
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
