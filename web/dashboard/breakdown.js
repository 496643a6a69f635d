import { h } from './element.js'
import { formatCount, formatShare } from './format.js'

/**
 * Counts as a ranked table with a bar in each row: a real <table>, so it reads aloud and copies cleanly.
 * `tone` colours the bar: 'dark', 'public' or 'neutral'.
 * @param {{ caption: string, rows: { label: string, value: number, tone?: string, hint?: string }[], empty?: string, unit?: string }} opts
 */
export function breakdownTable({ caption, rows, empty = 'Nothing yet.', unit = 'clicks' }) {
  const ranked = rows.filter((r) => r.value > 0).sort((a, b) => b.value - a.value)
  const max = Math.max(1, ...ranked.map((r) => r.value))
  const total = ranked.reduce((n, r) => n + r.value, 0)
  return h(
    'section',
    { class: 'card breakdown' },
    h('h3', null, caption),
    ranked.length === 0
      ? h('p', { class: 'muted' }, empty)
      : h(
          'table',
          { class: 'bars' },
          h(
            'thead',
            { class: 'visually-hidden' },
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, 'Name'),
              h('th', { scope: 'col' }, unit),
              h('th', { scope: 'col' }, 'Share'),
            ),
          ),
          h(
            'tbody',
            null,
            ranked.map((r) =>
              h(
                'tr',
                null,
                h('th', { scope: 'row', title: r.hint }, r.label),
                h(
                  'td',
                  { class: 'bar-cell' },
                  h('span', { class: `bar ${r.tone ?? 'neutral'}`, style: { width: `${(100 * r.value) / max}%` } }),
                  h('span', { class: 'bar-value' }, formatCount(r.value)),
                ),
                h('td', { class: 'num muted' }, formatShare(r.value / total)),
              ),
            ),
          ),
        ),
  )
}

/**
 * One bar per row split dark | public, the dark share printed beside it.
 * @param {{ dark: number, public: number }} counts
 */
export function darkPublicBar(counts) {
  const total = counts.dark + counts.public
  const darkPct = total ? (100 * counts.dark) / total : 0
  return h(
    'span',
    { class: 'split', 'aria-hidden': 'true' },
    h('span', { class: 'bar dark', style: { width: `${darkPct}%` } }),
    h('span', { class: 'bar public', style: { width: `${total ? 100 - darkPct : 0}%` } }),
  )
}

/** The dark / public legend shown once above split bars and charts. */
export function darkPublicLegend() {
  return h(
    'p',
    { class: 'legend' },
    h('span', { class: 'swatch dark', 'aria-hidden': 'true' }),
    'Dark: private shares (no referrer, in-app, messaging, email) ',
    h('span', { class: 'swatch public', 'aria-hidden': 'true' }),
    'Public: social, search, referral',
  )
}
