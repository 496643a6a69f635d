import { api, apiUrl, ApiError } from '../api.js'
import { darkPublicBar, darkPublicLegend } from '../breakdown.js'
import { h } from '../element.js'
import { channelLabel } from '../labels.js'
import { formatCount, formatDate, formatShare } from '../format.js'
import { rangeFrom, rangeLabel, rangePicker, rangeQuery } from '../range-picker.js'
import { statTiles } from '../stat-tiles.js'
import { funnelSection } from '../funnel.js'
import { tableHead } from '../table-head.js'

/**
 * One topic: its numbers, and the contents (share kits) and links in it, each with its dark share.
 * @param {HTMLElement} view
 * @param {import('../router.js').RouteContext} ctx
 */
export async function topicPage(view, { signal, params: [topic], query }) {
  let range = rangeFrom(query)
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted' }, 'Loading…'))
  // The server names the file after what it holds (clicks-topic-<topic>-<days>.csv).
  const csv = h('a', { class: 'button quiet', download: true }, 'Export clicks (CSV)')
  view.append(
    h('p', { class: 'crumbs' }, h('a', { href: '/dashboard/topics' }, '← Topics')),
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, `Topic: ${topic}`),
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
    body,
  )

  async function load() {
    const q = rangeQuery(range)
    csv.href = apiUrl('/api/v1/exports/clicks.csv', { topic, ...q })
    try {
      const [report, kits, links, funnel] = await Promise.all([
        api('/api/v1/reports/topics', { query: q, signal }),
        api('/api/v1/shares', { query: { topic, limit: 100 }, signal }),
        api('/api/v1/links', { query: { topic, limit: 200 }, signal }),
        api('/api/v1/reports/funnel', { query: { topic, ...q }, signal }),
      ])
      const row = report.topics.find((/** @type {{ topic: string }} */ r) => r.topic === topic)
      /** @type {TopicLink[]} */
      const standAlone = links.items.filter((/** @type {TopicLink} */ l) => l.contentId === null)
      const [contentStats, linkStats] = await Promise.all([
        Promise.all(
          kits.items.map((/** @type {{ content: { id: string } }} */ k) =>
            api(`/api/v1/reports/content/${encodeURIComponent(k.content.id)}`, { query: q, signal }).catch(() => null),
          ),
        ),
        standAlone.length
          ? api('/api/v1/reports/links', { query: { codes: standAlone.map((l) => l.code).join(','), ...q }, signal })
          : { links: [] },
      ])
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
        funnelSection(funnel, { query: { topic, ...q }, subject: `the topic ${topic}` }),
        contentsTable(kits.items, contentStats, standAlone, linkStats.links),
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
 * The topic's contents and its stand-alone links (minted alone, no kit), each with its clicks, and their
 * total: the same clicks as the tiles above, so the table adds up.
 * @typedef {{ code: string, title: string | null, url: string, channel: string | null, contentId: string | null, createdAt: string }} TopicLink
 * @param {{ content: { id: string, url: string, title: string | null, createdAt: string }, links: unknown[] }[]} kits
 * @param {({ clicks: number, dark: number, public: number, darkShare: number | null } | null)[]} stats
 * @param {TopicLink[]} links
 * @param {{ code: string, clicks: number, dark: number, public: number }[]} linkStats
 */
function contentsTable(kits, stats, links, linkStats) {
  const byCode = new Map(linkStats.map((l) => [l.code, l]))
  const rows = [
    ...kits.map((k, i) => ({
      key: { 'data-content': k.content.id },
      href: `/dashboard/content/${encodeURIComponent(k.content.id)}`,
      name: k.content.title ?? k.content.url,
      kind: null,
      s: totals(stats[i]),
      channels: formatCount(k.links.length),
      createdAt: k.content.createdAt,
    })),
    ...links.map((l) => ({
      key: { 'data-link': l.code },
      href: `/dashboard/links/${encodeURIComponent(l.code)}`,
      name: l.title ?? l.url,
      kind: l.channel ? `stand-alone link, ${channelLabel(l.channel)}` : 'stand-alone link',
      s: totals(byCode.get(l.code) ?? null),
      channels: '—',
      createdAt: l.createdAt,
    })),
  ]
  const sum = rows.reduce((t, r) => ({ dark: t.dark + (r.s?.dark ?? 0), public: t.public + (r.s?.public ?? 0) }), {
    dark: 0,
    public: 0,
  })
  const all = sum.dark + sum.public
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'contents-title' },
    h('h2', { id: 'contents-title' }, 'Contents and links'),
    rows.length === 0
      ? h('p', { class: 'muted' }, 'No share kit or link has this topic yet.')
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
              rows.map((r) =>
                h(
                  'tr',
                  r.key,
                  h(
                    'th',
                    { scope: 'row', 'data-label': 'Content' },
                    h('a', { href: r.href }, r.name),
                    r.kind ? h('div', { class: 'muted small' }, r.kind) : null,
                  ),
                  h('td', { class: 'bar-col', 'data-label': 'Dark | public' }, r.s ? darkPublicBar(r.s) : '—'),
                  h('td', { class: 'num strong', 'data-label': 'Dark share' }, formatShare(r.s?.darkShare)),
                  h('td', { class: 'num', 'data-label': 'Clicks' }, r.s ? formatCount(r.s.clicks) : '—'),
                  h('td', { class: 'num', 'data-label': 'Channels' }, r.channels),
                  h('td', { 'data-label': 'Created' }, formatDate(r.createdAt)),
                ),
              ),
            ),
            h(
              'tfoot',
              null,
              h(
                'tr',
                { 'data-total': '' },
                h('th', { scope: 'row', 'data-label': 'Content' }, 'All of the topic'),
                h('td', { class: 'bar-col', 'data-label': 'Dark | public' }, darkPublicBar(sum)),
                h('td', { class: 'num strong', 'data-label': 'Dark share' }, formatShare(all ? sum.dark / all : null)),
                h('td', { class: 'num strong', 'data-label': 'Clicks' }, formatCount(all)),
                h('td', { 'data-label': 'Channels' }),
                h('td', { 'data-label': 'Created' }),
              ),
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
