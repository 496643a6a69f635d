import { historyNote } from './people-pages.js'
import { api, apiUrl, ApiError } from '../api.js'
import { darkPublicBar, darkPublicLegend } from '../breakdown.js'
import { darkPublicChart } from '../charts.js'
import { append, fill, h } from '../element.js'
import { formatCount, formatShare } from '../format.js'
import { channelLabel } from '../labels.js'
import { rangeFrom, rangeLabel, rangePicker, rangeQuery } from '../range-picker.js'
import { statTiles } from '../stat-tiles.js'
import { tableHead } from '../table-head.js'
import { declaredObservedTable } from './declared-observed.js'
import { funnelSection } from '../funnel.js'
import { kitTable } from './kit-view.js'
import { totals } from './topic-page.js'

/**
 * One content across its channels: which channel links were clicked, dark vs public over time, and
 * how each declared channel was really opened.
 * @param {HTMLElement} view
 * @param {import('../router.js').RouteContext} ctx
 */
export async function contentPage(view, { signal, params: [id], query }) {
  let range = rangeFrom(query)
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted' }, 'Loading…'))
  view.append(h('p', { class: 'crumbs' }, h('a', { href: '/dashboard/' }, '← Links & kits')))

  let kit
  try {
    kit = await api(`/api/v1/shares/${encodeURIComponent(id)}`, { signal })
  } catch (err) {
    if (signal.aborted) return
    view.append(
      h('h1', null, 'Content'),
      h(
        'p',
        { class: 'error', role: 'alert' },
        err instanceof ApiError && err.status === 404
          ? 'There is no such content.'
          : String(/** @type {Error} */ (err).message),
      ),
    )
    return
  }
  const c = kit.content
  append(view, [
    historyNote('kit', String(c.id), signal),
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        null,
        h('h1', null, c.title ?? c.url),
        h(
          'p',
          { class: 'muted' },
          h('a', { href: c.url, target: '_blank', rel: 'noopener noreferrer', class: 'target' }, c.url),
        ),
      ),
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
      ),
    ),
    c.topics.length
      ? h(
          'ul',
          { class: 'chips' },
          c.topics.map((/** @type {string} */ t) =>
            h('li', null, h('a', { href: `/dashboard/topics/${encodeURIComponent(t)}` }, t)),
          ),
        )
      : null,
    body,
    h(
      'section',
      { class: 'card' },
      h('h2', null, 'Share kit'),
      kitTable(kit.links, { caption: 'One short link per channel' }),
    ),
  ])

  async function load() {
    const q = rangeQuery(range)
    try {
      const [report, funnel] = await Promise.all([
        api(`/api/v1/reports/content/${encodeURIComponent(id)}`, { query: q, signal }),
        api('/api/v1/reports/funnel', { query: { content: id, ...q }, signal }),
      ])
      const sections = reportSections(report, rangeLabel(range))
      // The funnel right below the headline numbers: where the clicks came from, before how they split.
      sections.splice(
        1,
        0,
        funnelSection(funnel, {
          query: { content: id, ...q },
          subject: 'this content',
          note: !(report.channels ?? []).some((/** @type {any} */ r) => r.byMedium),
        }),
      )
      fill(body, sections)
    } catch (err) {
      if (signal.aborted) return
      body.replaceChildren(
        h(
          'p',
          { class: 'error', role: 'alert' },
          `Could not load the content report: ${err instanceof ApiError ? err.detail : String(err)}`,
        ),
      )
    }
  }
  await load()
}

/**
 * @param {any} report
 * @param {string} period
 */
function reportSections(report, period) {
  const t = totals(report)
  /** @type {{ channel: string, code?: string, clicks: number, dark: number, public: number, previews?: number, byMedium?: Record<string, number> }[]} */
  const channels = report.channels ?? report.links ?? []
  return [
    t
      ? statTiles([
          { label: 'Clicks', value: formatCount(t.clicks), hint: `by people, ${period.toLowerCase()}` },
          { label: 'Dark', value: formatCount(t.dark), hint: 'private shares', tone: 'dark' },
          { label: 'Public', value: formatCount(t.public), hint: 'social, search, referral', tone: 'public' },
          { label: 'Dark share', value: formatShare(t.darkShare), hint: 'dark ÷ all clicks', tone: 'dark' },
          ...(typeof (report.totals ?? report).previews === 'number'
            ? [
                {
                  label: 'Shares seen',
                  value: formatCount((report.totals ?? report).previews),
                  hint: 'link previews drawn by apps',
                },
              ]
            : []),
          ...(typeof (report.totals ?? report).uniques === 'number'
            ? [
                {
                  label: 'Uniques',
                  value: formatCount((report.totals ?? report).uniques),
                  hint: 'visitors, counted per day',
                },
              ]
            : []),
        ])
      : null,
    report.series
      ? h(
          'section',
          { class: 'card' },
          h('h2', null, 'Clicks over time'),
          darkPublicLegend(),
          darkPublicChart(report.series, {
            caption: `Clicks per ${report.interval ?? 'day'}, all channels`,
            interval: report.interval ?? 'day',
          }),
        )
      : null,
    h(
      'section',
      { class: 'card' },
      h('h2', null, 'By channel'),
      h(
        'table',
        { class: 'ranking responsive' },
        tableHead(['Channel', 'Dark | public', 'Dark share', 'Clicks', 'Shares seen'], {
          numericFrom: 2,
          barColumn: 1,
        }),
        h(
          'tbody',
          null,
          channels.map((r) =>
            h(
              'tr',
              { 'data-channel': r.channel },
              h(
                'th',
                { scope: 'row', 'data-label': 'Channel' },
                r.code
                  ? h('a', { href: `/dashboard/links/${encodeURIComponent(r.code)}` }, channelLabel(r.channel))
                  : channelLabel(r.channel),
              ),
              h('td', { class: 'bar-col', 'data-label': 'Dark | public' }, darkPublicBar(r)),
              h(
                'td',
                { class: 'num strong', 'data-label': 'Dark share' },
                formatShare(r.clicks ? r.dark / r.clicks : null),
              ),
              h('td', { class: 'num', 'data-label': 'Clicks' }, formatCount(r.clicks)),
              h(
                'td',
                { class: 'num', 'data-label': 'Shares seen' },
                r.previews === undefined ? '—' : formatCount(r.previews),
              ),
            ),
          ),
        ),
      ),
    ),
    channels.some((r) => r.byMedium)
      ? declaredObservedTable(
          channels.map((r) => ({ channel: r.channel, byMedium: r.byMedium ?? {} })),
          { caption: 'Declared channel × observed medium' },
        )
      : null,
    h(
      'p',
      null,
      h(
        'a',
        {
          class: 'button quiet',
          href: apiUrl(`/api/v1/reports/content/${encodeURIComponent(report.content?.id ?? '')}`, { format: 'csv' }),
        },
        'Download this report (CSV)',
      ),
    ),
  ]
}
