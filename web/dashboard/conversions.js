import { breakdownTable } from './breakdown.js'
import { h } from './element.js'
import { formatCount, formatShare } from './format.js'
import { appLabel, channelLabel, MEDIUMS, mediumLabel } from './labels.js'
import { statTiles } from './stat-tiles.js'
import { tableHead } from './table-head.js'

/**
 * @typedef {Record<string, number>} Counts
 * @typedef {{ total: number, byEvent: Counts, value: Counts, byMedium: Counts, byApp: Counts }} LinkConversions
 * @typedef {{ total: number, value: Counts, dark: { conversions: number, share: number | null, value: Counts, valueShare: Record<string, number | null> },
 *   byChannel: { channel: string, clicks: number, conversions: number, rate: number | null, value: Counts }[] }} ConversionReport
 */

/** {EUR: 42.5, USD: 10} → "€42.50 · $10.00"; nothing → "—" */
export function formatMoney(/** @type {Counts} */ values) {
  const parts = Object.entries(values).map(([currency, v]) => {
    try {
      return new Intl.NumberFormat('en', { style: 'currency', currency }).format(v)
    } catch {
      return `${v} ${currency}`
    }
  })
  return parts.length ? parts.join(' · ') : '—'
}

/**
 * A link's conversions: how many, worth what, and how their clicks arrived.
 * @param {LinkConversions} c
 * @param {string} period
 */
export function linkConversions(c, period) {
  return h(
    'section',
    { class: 'card stack', 'aria-labelledby': 'conversions-title' },
    h('h2', { id: 'conversions-title' }, 'Conversions'),
    statTiles([
      { label: 'Conversions', value: formatCount(c.total), hint: `reported by your site, ${period.toLowerCase()}` },
      { label: 'Value', value: formatMoney(c.value), hint: 'summed per currency' },
    ]),
    h(
      'div',
      { class: 'grid' },
      breakdownTable({
        caption: 'By event',
        rows: Object.entries(c.byEvent).map(([e, n]) => ({ label: e, value: n })),
        empty: 'No conversion in this period.',
        unit: 'conversions',
      }),
      breakdownTable({
        caption: 'By how the click arrived',
        rows: Object.entries(c.byMedium).map(([m, n]) => ({
          label: mediumLabel(m),
          value: n,
          tone: MEDIUMS[m]?.dark ? 'dark' : 'public',
        })),
        empty: 'No conversion in this period.',
        unit: 'conversions',
      }),
      breakdownTable({
        caption: 'By app',
        rows: Object.entries(c.byApp)
          .filter(([a]) => a !== 'none')
          .map(([a, n]) => ({ label: appLabel(a), value: n })),
        empty: 'No app recognised among them.',
        unit: 'conversions',
      }),
    ),
  )
}

/**
 * Conversions by declared channel, with the dark share of conversions and of revenue.
 * @param {ConversionReport} r
 * @param {string} csvHref
 */
export function conversionReportSection(r, csvHref) {
  return h(
    'section',
    { class: 'card stack', 'aria-labelledby': 'conversion-report-title' },
    h(
      'div',
      { class: 'page-head' },
      h('h2', { id: 'conversion-report-title' }, 'Conversions by channel'),
      h('a', { class: 'button quiet', href: csvHref, download: 'conversions.csv' }, 'Download as CSV'),
    ),
    statTiles([
      { label: 'Conversions', value: formatCount(r.total), hint: 'leads, sales and your own events' },
      { label: 'Value', value: formatMoney(r.value), hint: 'summed per currency' },
      {
        label: 'Dark share',
        value: formatShare(r.dark.share),
        hint: 'of conversions: clicks shared privately',
        tone: 'dark',
      },
      {
        label: 'Dark share of revenue',
        value:
          Object.entries(r.dark.valueShare)
            .map(([cur, s]) => `${formatShare(s)} ${cur}`)
            .join(' · ') || '—',
        hint: 'per currency',
        tone: 'dark',
      },
    ]),
    r.byChannel.length === 0
      ? h('p', { class: 'muted' }, 'No conversion in this period.')
      : h(
          'table',
          { class: 'ranking responsive' },
          tableHead(['Channel', 'Clicks', 'Conversions', 'Rate', 'Value'], { numericFrom: 1 }),
          h(
            'tbody',
            null,
            r.byChannel.map((c) =>
              h(
                'tr',
                { 'data-channel': c.channel },
                h('th', { scope: 'row', 'data-label': 'Channel' }, channelLabel(c.channel)),
                h('td', { class: 'num', 'data-label': 'Clicks' }, formatCount(c.clicks)),
                h('td', { class: 'num strong', 'data-label': 'Conversions' }, formatCount(c.conversions)),
                h(
                  'td',
                  { class: 'num', 'data-label': 'Rate' },
                  c.rate === null ? '—' : `${(c.rate * 100).toFixed(1)}%`,
                ),
                h('td', { class: 'num', 'data-label': 'Value' }, formatMoney(c.value)),
              ),
            ),
          ),
        ),
  )
}
