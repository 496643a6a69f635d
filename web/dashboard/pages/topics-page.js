import { api, apiUrl, ApiError } from '../api.js'
import { darkPublicBar, darkPublicLegend } from '../breakdown.js'
import { h } from '../element.js'
import { formatCount, formatShare } from '../format.js'
import { tableHead } from '../table-head.js'
import { rangeFrom, rangeLabel, rangePicker, rangeQuery } from '../range-picker.js'

/**
 * @typedef {{ topic: string, clicks: number, dark: number, public: number, darkShare: number | null, previews?: number, uniques?: number }} TopicRow
 */

/** Most private first; topics nobody clicked yet go last. */
export const byDarkShare = (/** @type {TopicRow} */ a, /** @type {TopicRow} */ b) =>
  (b.darkShare ?? -1) - (a.darkShare ?? -1) || b.clicks - a.clicks || a.topic.localeCompare(b.topic)

/**
 * Topics ranked by dark share: which subjects people pass on privately rather than post publicly.
 * @param {HTMLElement} view
 * @param {import('../router.js').RouteContext} ctx
 */
export async function topicsPage(view, { signal, query }) {
  let range = rangeFrom(query)
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted' }, 'Loading…'))
  const csv = h('a', { class: 'button quiet' }, 'Download as CSV')
  view.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, 'Topics'),
      h(
        'div',
        { class: 'actions' },
        rangePicker({
          value: range,
          onChange: (id) => {
            range = id
            void load()
          },
        }),
        csv,
      ),
    ),
    h(
      'p',
      { class: 'lead' },
      'Which topics circulate in private (WhatsApp, email, SMS, in-app browsers) rather than in public. Ranked by dark share.',
    ),
    body,
  )

  async function load() {
    const q = rangeQuery(range)
    csv.href = apiUrl('/api/v1/reports/topics', { ...q, format: 'csv' })
    csv.setAttribute('download', 'topics.csv')
    try {
      const report = await api('/api/v1/reports/topics', { query: q, signal })
      /** @type {TopicRow[]} */
      const rows = report.topics.slice().sort(byDarkShare)
      body.replaceChildren(topicChart(rows, rangeLabel(range)))
    } catch (err) {
      if (signal.aborted) return
      body.replaceChildren(
        h(
          'p',
          { class: 'error', role: 'alert' },
          `Could not load the topics report: ${err instanceof ApiError ? err.detail : String(err)}`,
        ),
      )
    }
  }
  await load()
}

/**
 * The ranking as a table of split bars (dark | public): a real table, so it reads aloud and fits a phone.
 * @param {TopicRow[]} rows
 * @param {string} period
 */
function topicChart(rows, period) {
  if (rows.length === 0)
    return h('p', { class: 'muted' }, 'No topics yet: give your links and share kits topics when you create them.')
  return h(
    'section',
    { class: 'card' },
    h('h2', null, `Dark share by topic, ${period.toLowerCase()}`),
    darkPublicLegend(),
    h(
      'table',
      { class: 'ranking responsive' },
      h('caption', { class: 'visually-hidden' }, 'Topics ranked by dark share'),
      tableHead(['Topic', 'Dark | public', 'Dark share', 'Clicks', 'Uniques', 'Shares seen'], {
        numericFrom: 2,
        barColumn: 1,
      }),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            { 'data-topic': r.topic },
            h(
              'th',
              { scope: 'row', 'data-label': 'Topic' },
              h('a', { href: `/dashboard/topics/${encodeURIComponent(r.topic)}` }, r.topic),
            ),
            h(
              'td',
              { class: 'bar-col', 'data-label': 'Dark | public' },
              darkPublicBar(r),
              h('span', { class: 'visually-hidden' }, `${formatCount(r.dark)} dark, ${formatCount(r.public)} public`),
            ),
            h('td', { class: 'num strong', 'data-label': 'Dark share' }, formatShare(r.darkShare)),
            h('td', { class: 'num', 'data-label': 'Clicks' }, formatCount(r.clicks)),
            h('td', { class: 'num', 'data-label': 'Uniques' }, r.uniques === undefined ? '—' : formatCount(r.uniques)),
            h(
              'td',
              { class: 'num', 'data-label': 'Shares seen' },
              r.previews === undefined ? '—' : formatCount(r.previews),
            ),
          ),
        ),
      ),
    ),
  )
}
