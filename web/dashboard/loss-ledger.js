import { h } from './element.js'
import { formatCount } from './format.js'

/**
 * "Why this number": every request the link received, and why those that are not clicks were left out.
 * @param {{ clicks: number, lossLedger: { preview: number, bot: number, head: number, prefetch: number } }} stats
 */
export function lossLedger({ clicks, lossLedger: l }) {
  const received = clicks + l.preview + l.bot + l.head + l.prefetch
  /** @type {[string, number, string][]} */
  const lines = [
    ['Clicks by people', clicks, 'counted: every number above is made of these'],
    ['Link previews', l.preview, 'an app fetched the link to draw its card: a share seen, not a click'],
    ['Bots', l.bot, 'crawlers, scanners, link checkers and headless browsers'],
    ['HEAD requests', l.head, 'something checked the link without opening it'],
    ['Prefetches', l.prefetch, 'a browser fetched ahead in case it was clicked'],
  ]
  return h(
    'section',
    { class: 'card ledger', 'aria-labelledby': 'ledger-title' },
    h('h2', { id: 'ledger-title' }, 'Why this number'),
    h(
      'p',
      { class: 'muted' },
      `This link received ${formatCount(received)} ${received === 1 ? 'request' : 'requests'}. Only clicks by people are counted as clicks.`,
    ),
    h(
      'table',
      null,
      h(
        'thead',
        { class: 'visually-hidden' },
        h('tr', null, h('th', { scope: 'col' }, 'Count'), h('th', { scope: 'col' }, 'Request, and why')),
      ),
      h(
        'tbody',
        null,
        lines.map(([label, n, why], i) =>
          h(
            'tr',
            { class: i === 0 ? 'counted' : 'not-counted', 'data-ledger': label },
            h('td', { class: 'num' }, formatCount(n)),
            h('th', { scope: 'row' }, label, h('span', { class: 'why' }, i === 0 ? why : `not counted: ${why}`)),
          ),
        ),
      ),
    ),
  )
}
