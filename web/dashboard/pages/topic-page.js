import { api, apiUrl, ApiError } from '../api.js'
import { darkPublicBar, darkPublicLegend } from '../breakdown.js'
import { h } from '../element.js'
import { channelLabel } from '../labels.js'
import { formatCount, formatDate, formatShare } from '../format.js'
import { rangeFrom, rangeLabel, rangePicker, rangeQuery } from '../range-picker.js'
import { statTiles } from '../stat-tiles.js'
import { tableHead } from '../table-head.js'

/**
 * One topic: its numbers, and the contents (share kits) and links in it, each with its dark share.
 * @param {HTMLElement} view
 * @param {import('../router.js').RouteContext} ctx
 */
export async function topicPage(view, { signal, params: [topic], query }) {
  let range = rangeFrom(query)
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted' }, 'Loading…'))
  const csv = h('a', { class: 'button quiet', download: `clicks-${topic}.csv` }, 'Export clicks (CSV)')
  view.append(
    h('p', { class: 'crumbs' }, h('a', { href: '/dashboard/topics' }, '← Topics')),
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, `Topic: ${topic}`),
      h('div', { class: 'actions' }, rangePicker({ value: range, onChange: (id) => ((range = id), void load()) }), csv),
    ),
    body,
  )

  async function load() {
    const q = rangeQuery(range)
    csv.href = apiUrl('/api/v1/exports/clicks.csv', { topic, ...q })
    try {
      const [report, kits, links] = await Promise.all([
        api('/api/v1/reports/topics', { query: q, signal }),
        api('/api/v1/shares', { query: { topic, limit: 100 }, signal }),
        api('/api/v1/links', { query: { topic, limit: 200 }, signal }),
      ])
      const row = report.topics.find((/** @type {{ topic: string }} */ r) => r.topic === topic)
      const contentStats = await Promise.all(
        kits.items.map((/** @type {{ content: { id: string } }} */ k) =>
          api(`/api/v1/reports/content/${encodeURIComponent(k.content.id)}`, { query: q, signal }).catch(() => null),
        ),
      )
      body.replaceChildren(
        row
          ? statTiles([
              { label: 'Clicks', value: formatCount(row.clicks), hint: rangeLabel(range).toLowerCase() },
              { label: 'Dark', value: formatCount(row.dark), hint: 'private shares', tone: 'dark' },
              { label: 'Public', value: formatCount(row.public), hint: 'social, search, referral', tone: 'public' },
              { label: 'Dark share', value: formatShare(row.darkShare), hint: 'dark ÷ all clicks', tone: 'dark' },
              ...(row.uniques === undefined
                ? []
                : [{ label: 'Uniques', value: formatCount(row.uniques), hint: 'visitors, counted per day' }]),
              ...(row.previews === undefined
                ? []
                : [{ label: 'Shares seen', value: formatCount(row.previews), hint: 'link previews drawn by apps' }]),
            ])
          : h('p', { class: 'muted' }, 'No clicks on this topic in this period.'),
        contentsTable(kits.items, contentStats),
        h(
          'section',
          { class: 'card' },
          h('h2', null, 'Links in this topic'),
          links.items.length
            ? h(
                'ul',
                { class: 'link-list' },
                links.items.map(
                  (/** @type {{ code: string, title: string | null, url: string, channel: string | null }} */ l) =>
                    h(
                      'li',
                      null,
                      h(
                        'a',
                        { href: `/dashboard/links/${encodeURIComponent(l.code)}` },
                        [l.channel ? channelLabel(l.channel) : null, l.title ?? l.url].filter(Boolean).join(': '),
                      ),
                      ' ',
                      h('code', { class: 'muted' }, l.code),
                    ),
                ),
              )
            : h('p', { class: 'muted' }, 'No links.'),
        ),
      )
    } catch (err) {
      if (signal.aborted) return
      body.replaceChildren(
        h(
          'p',
          { class: 'error', role: 'alert' },
          `Could not load this topic: ${err instanceof ApiError ? err.detail : String(err)}`,
        ),
      )
    }
  }
  await load()
}

/**
 * @param {{ content: { id: string, url: string, title: string | null, createdAt: string }, links: unknown[] }[]} kits
 * @param {({ clicks: number, dark: number, public: number, darkShare: number | null } | null)[]} stats
 */
function contentsTable(kits, stats) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'contents-title' },
    h('h2', { id: 'contents-title' }, 'Contents'),
    kits.length === 0
      ? h('p', { class: 'muted' }, 'No share kit has this topic yet.')
      : [
          darkPublicLegend(),
          h(
            'table',
            { class: 'ranking responsive' },
            tableHead(['Content', 'Dark | public', 'Dark share', 'Clicks', 'Channels', 'Created'], {
              numericFrom: 2,
              barColumn: 1,
            }),
            h(
              'tbody',
              null,
              kits.map((k, i) => {
                const s = totals(stats[i])
                return h(
                  'tr',
                  { 'data-content': k.content.id },
                  h(
                    'th',
                    { scope: 'row', 'data-label': 'Content' },
                    h(
                      'a',
                      { href: `/dashboard/content/${encodeURIComponent(k.content.id)}` },
                      k.content.title ?? k.content.url,
                    ),
                  ),
                  h('td', { class: 'bar-col', 'data-label': 'Dark | public' }, s ? darkPublicBar(s) : '—'),
                  h('td', { class: 'num strong', 'data-label': 'Dark share' }, formatShare(s?.darkShare)),
                  h('td', { class: 'num', 'data-label': 'Clicks' }, s ? formatCount(s.clicks) : '—'),
                  h('td', { class: 'num', 'data-label': 'Channels' }, formatCount(k.links.length)),
                  h('td', { 'data-label': 'Created' }, formatDate(k.content.createdAt)),
                )
              }),
            ),
          ),
        ],
  )
}

/** A content report's totals, wherever the report keeps them. */
export function totals(/** @type {any} */ report) {
  if (!report) return null
  const t = report.totals ?? report
  if (typeof t.clicks !== 'number') return null
  return {
    clicks: t.clicks,
    dark: t.dark,
    public: t.public,
    darkShare: t.darkShare ?? (t.clicks ? t.dark / t.clicks : null),
  }
}
