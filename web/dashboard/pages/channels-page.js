import { api, apiUrl, ApiError } from '../api.js'
import { darkPublicBar, darkPublicLegend } from '../breakdown.js'
import { conversionReportSection } from '../conversions.js'
import { h } from '../element.js'
import { formatCount, formatShare } from '../format.js'
import { channelLabel } from '../labels.js'
import { rangeFrom, rangePicker, rangeQuery } from '../range-picker.js'
import { tableHead } from '../table-head.js'
import { declaredObservedTable } from './declared-observed.js'

/**
 * Declared channels against observed mediums: a link made for X but opened with no referrer or in-app
 * was forwarded privately.
 * @param {HTMLElement} view
 * @param {import('../router.js').RouteContext} ctx
 */
export async function channelsPage(view, { signal, query }) {
  let range = rangeFrom(query)
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted' }, 'Loading…'))
  const csv = h('a', { class: 'button quiet', download: 'channels.csv' }, 'Download as CSV')
  view.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, 'Channels'),
      h(
        'div',
        { class: 'actions' },
        rangePicker({
          value: range,
          onChange: (r) => {
            range = r
            void load()
          },
        }),
        csv,
      ),
    ),
    h('p', { class: 'lead' }, 'Where links were meant to go, against how their clicks really arrived.'),
    body,
  )
  async function load() {
    const q = rangeQuery(range)
    csv.href = apiUrl('/api/v1/reports/channels', { ...q, format: 'csv' })
    try {
      const [report, conversions] = await Promise.all([
        api('/api/v1/reports/channels', { query: q, signal }),
        api('/api/v1/reports/conversions', { query: q, signal }),
      ])
      /** @type {{ channel: string, clicks: number, dark: number, public: number, byMedium?: Record<string, number>, observed?: Record<string, number> }[]} */
      const rows = (report.items ?? report.channels ?? [])
        .slice()
        .sort((/** @type {{ clicks: number }} */ a, /** @type {{ clicks: number }} */ b) => b.clicks - a.clicks)
      body.replaceChildren(
        h(
          'section',
          { class: 'card' },
          h('h2', null, 'Clicks by declared channel'),
          darkPublicLegend(),
          rows.length === 0
            ? h('p', { class: 'muted' }, 'No clicks in this period.')
            : h(
                'table',
                { class: 'ranking responsive' },
                tableHead(['Channel', 'Dark | public', 'Dark share', 'Clicks'], { numericFrom: 2, barColumn: 1 }),
                h(
                  'tbody',
                  null,
                  rows.map((r) =>
                    h(
                      'tr',
                      { 'data-channel': r.channel },
                      h('th', { scope: 'row', 'data-label': 'Channel' }, channelLabel(r.channel)),
                      h('td', { class: 'bar-col', 'data-label': 'Dark | public' }, darkPublicBar(r)),
                      h(
                        'td',
                        { class: 'num strong', 'data-label': 'Dark share' },
                        formatShare(r.clicks ? r.dark / r.clicks : null),
                      ),
                      h('td', { class: 'num', 'data-label': 'Clicks' }, formatCount(r.clicks)),
                    ),
                  ),
                ),
              ),
        ),
        declaredObservedTable(
          rows.map((r) => ({ channel: r.channel, byMedium: r.byMedium ?? r.observed ?? {} })),
          { caption: 'Declared channel × observed medium' },
        ),
        conversionReportSection(conversions, apiUrl('/api/v1/reports/conversions', { ...q, format: 'csv' })),
      )
    } catch (err) {
      if (signal.aborted) return
      body.replaceChildren(
        h(
          'p',
          { class: 'error', role: 'alert' },
          `Could not load the channels report: ${err instanceof ApiError ? err.detail : String(err)}`,
        ),
      )
    }
  }
  await load()
}
