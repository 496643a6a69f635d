import { h } from '../element.js'
import { inAppNote } from '../funnel.js'
import { formatCount, formatShare } from '../format.js'
import { channelLabel, MEDIUM_ORDER, MEDIUMS, mediumLabel } from '../labels.js'

/**
 * Declared channel (where the link was meant to go) × observed medium (how clicks really arrived).
 * A link minted for X whose clicks arrive mostly with no referrer or in-app was forwarded privately.
 * @param {{ channel: string | null, byMedium: Record<string, number> }[]} allRows
 * @param {{ caption: string }} opts
 */
export function declaredObservedTable(allRows, { caption }) {
  const total = (/** @type {Record<string, number>} */ c) => Object.values(c).reduce((a, b) => a + b, 0)
  const rows = allRows.filter((r) => total(r.byMedium) > 0)
  const idle = allRows.length - rows.length
  const mediums = MEDIUM_ORDER.filter((m) => rows.some((r) => r.byMedium[m])).concat(
    [...new Set(rows.flatMap((r) => Object.keys(r.byMedium)))].filter((m) => !MEDIUMS[m]),
  )
  const dark = (/** @type {Record<string, number>} */ c) =>
    Object.entries(c).reduce((n, [m, v]) => n + (MEDIUMS[m]?.dark ? v : 0), 0)
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'declared-title' },
    h('h2', { id: 'declared-title' }, caption),
    h(
      'p',
      { class: 'muted' },
      'Rows: the channel a link was made for. Columns: how its clicks really arrived. Dark columns are private sharing.',
    ),
    mediums.length === 0
      ? h('p', { class: 'muted' }, 'No clicks in this period.')
      : scrollable(
          caption,
          h(
            'table',
            { class: 'matrix' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', { scope: 'col' }, 'Declared'),
                mediums.map((m) =>
                  h('th', { scope: 'col', class: `num ${MEDIUMS[m]?.dark ? 'dark' : 'public'}` }, mediumLabel(m)),
                ),
                h('th', { scope: 'col', class: 'num' }, 'Dark share'),
              ),
            ),
            h(
              'tbody',
              null,
              rows.map((r) =>
                h(
                  'tr',
                  null,
                  h('th', { scope: 'row' }, r.channel ? channelLabel(r.channel) : 'no channel'),
                  mediums.map((m) =>
                    h(
                      'td',
                      { class: `num ${r.byMedium[m] ? (MEDIUMS[m]?.dark ? 'dark' : 'public') : 'muted'}` },
                      formatCount(r.byMedium[m] ?? 0),
                    ),
                  ),
                  h(
                    'td',
                    { class: 'num' },
                    formatShare(total(r.byMedium) ? dark(r.byMedium) / total(r.byMedium) : null),
                  ),
                ),
              ),
            ),
          ),
        ),
    inAppNote(),
    idle > 0 && rows.length > 0
      ? h(
          'p',
          { class: 'muted small' },
          `${idle} ${idle === 1 ? 'channel' : 'channels'} without clicks in this period ${idle === 1 ? 'is' : 'are'} left out.`,
        )
      : null,
  )
}

/**
 * A table in a sideways-scrolling box that says so while it overflows (a phone cuts it at a column edge
 * otherwise, with nothing to tell there is more). Focusable, so a keyboard can scroll it too.
 * @param {string} caption
 * @param {HTMLElement} table
 */
function scrollable(caption, table) {
  const box = h(
    'div',
    { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': `${caption}, scrolls sideways` },
    table,
  )
  const hint = h('p', { class: 'muted small scroll-hint', hidden: true }, 'Swipe the table sideways for more columns →')
  new ResizeObserver(() => {
    const overflowing = box.scrollWidth > box.clientWidth + 1
    hint.hidden = !overflowing
    box.classList.toggle('overflowing', overflowing)
  }).observe(box)
  return [box, hint]
}
