import { api, apiUrl, ApiError } from '../api.js'
import { CHANNELS } from '../channels.js'
import { copyButton } from '../copy-button.js'
import { append, h } from '../element.js'
import { formatDate } from '../format.js'
import { channelLabel } from '../labels.js'
import { can } from '../session.js'
import { createPanel } from './create-panel.js'
import { qrLinks } from './kit-view.js'
import { kitsList } from './kits-list.js'
import { clicksCell, fillClickCells, LIST_CLICKS_LABEL } from '../link-totals.js'

const FILTERS = /** @type {const} */ (['q', 'topic', 'channel', 'campaign'])
const PAGE_SIZE = 50

/**
 * @typedef {{ code: string, domain: string, shortUrl: string, url: string, title: string | null, channel: string | null, topics: string[], campaign: string | null, disabled: boolean, createdAt: string }} Link
 * @param {HTMLElement} view
 * @param {import('../router.js').RouteContext} ctx
 */
export function linksPage(view, { signal, query }) {
  const filters = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? '']))
  const tbody = h('tbody')
  const status = h('p', { class: 'muted', role: 'status' })
  const more = h('button', { type: 'button', class: 'button', hidden: true }, 'Load more')
  /** @type {string | null} */
  let cursor = null
  const kits = kitsList({ signal })

  const input = (
    /** @type {string} */ name,
    /** @type {string} */ label,
    /** @type {Record<string, unknown>} */ attrs = {},
  ) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `filter-${name}` }, label),
      h('input', { id: `filter-${name}`, name, type: 'text', value: filters[name], autocomplete: 'off', ...attrs }),
    )
  const filterForm = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter links' },
    input('q', 'Search', { type: 'search', placeholder: 'code, URL or title' }),
    input('topic', 'Topic'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'filter-channel' }, 'Channel'),
      h(
        'select',
        { id: 'filter-channel', name: 'channel' },
        h('option', { value: '' }, 'Any'),
        CHANNELS.map((c) => h('option', { value: c.id, selected: c.id === filters.channel }, channelLabel(c.id))),
      ),
    ),
    input('campaign', 'Campaign'),
    h(
      'div',
      { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'button' }, 'Filter'),
      h('button', { type: 'reset', class: 'button quiet' }, 'Clear'),
    ),
  )
  // The server names the file after what it holds (clicks-topic-…-<days>.csv).
  const exportLink = h('a', { class: 'button quiet', download: true }, 'Export clicks (CSV)')

  filterForm.addEventListener('submit', (event) => {
    event.preventDefault()
    for (const k of FILTERS)
      filters[k] = /** @type {HTMLInputElement} */ (filterForm.elements.namedItem(k)).value.trim()
    // The filters live in the address (shareable, survives reload) without re-rendering the page around the form.
    history.replaceState(null, '', apiUrl('/dashboard/', filters))
    void reload()
  })
  filterForm.addEventListener('reset', () => {
    for (const k of FILTERS) filters[k] = ''
    history.replaceState(null, '', '/dashboard/')
    setTimeout(() => void reload())
  })
  more.addEventListener('click', () => void load())

  // Reloads can overlap (a filter right after a create): only the newest one may fill the table.
  let generation = 0

  async function reload() {
    generation++
    cursor = null
    tbody.replaceChildren()
    updateExport()
    await Promise.all([load(), kits.load(filters)])
  }

  async function load() {
    const asked = generation
    status.textContent = 'Loading links…'
    more.hidden = true
    try {
      const page = await api('/api/v1/links', { query: { ...filters, limit: PAGE_SIZE, cursor }, signal })
      if (asked !== generation) return
      tbody.append(...page.items.map(linkRow))
      void fillClickCells(tbody, signal)
      cursor = page.nextCursor
      more.hidden = !cursor
      const n = tbody.children.length
      status.textContent =
        n === 0
          ? Object.values(filters).some(Boolean)
            ? 'No link matches these filters.'
            : 'No links yet. Create a share kit above.'
          : `${n}${cursor ? '+' : ''} ${n === 1 ? 'link' : 'links'}`
    } catch (err) {
      if (signal.aborted) return
      status.textContent = err instanceof ApiError ? `Could not load links: ${err.detail}` : 'Could not load links.'
    }
  }

  /** Clicks export for the topic or campaign in the filters (the export endpoint takes a link or a topic). */
  function updateExport() {
    exportLink.href = apiUrl('/api/v1/exports/clicks.csv', { topic: filters.topic })
    exportLink.textContent = filters.topic ? `Export clicks for “${filters.topic}” (CSV)` : 'Export all clicks (CSV)'
  }

  append(view, [
    h('div', { class: 'page-head' }, h('h1', null, 'Links & kits'), exportLink),
    can('links:write') || can('shares:write') ? createPanel({ onCreated: () => void reload() }) : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'filter-title' },
      h('h2', { id: 'filter-title' }, 'Find links and kits'),
      filterForm,
    ),
    kits.element,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'list-title' },
      h('h2', { id: 'list-title' }, 'Links'),
      status,
      h(
        'table',
        { class: 'links responsive' },
        h('caption', { class: 'visually-hidden' }, 'Links, newest first'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Short link', 'Destination', 'Channel', 'Topics', LIST_CLICKS_LABEL, 'Created', 'QR code'].map((c) =>
              h('th', { scope: 'col', class: c === LIST_CLICKS_LABEL ? 'num' : null }, c),
            ),
          ),
        ),
        tbody,
      ),
      more,
    ),
  ])
  return reload()
}

function linkRow(/** @type {Link} */ l) {
  return h(
    'tr',
    { 'data-code': l.code, class: l.disabled ? 'disabled' : '' },
    h(
      'th',
      { scope: 'row', 'data-label': 'Short link' },
      h(
        'div',
        { class: 'short-line' },
        // The short link without its scheme reads best; it opens the link's numbers, Copy takes the full URL.
        h(
          'a',
          {
            href: `/dashboard/links/${encodeURIComponent(l.code)}?domain=${encodeURIComponent(l.domain)}`,
            class: 'code',
            title: `Numbers for ${l.shortUrl}`,
          },
          l.shortUrl.replace(/^https?:\/\//, ''),
        ),
        copyButton(l.shortUrl, { label: `Copy short link ${l.code}` }),
      ),
      l.disabled ? h('span', { class: 'tag' }, 'disabled') : null,
    ),
    h(
      'td',
      { 'data-label': 'Destination' },
      l.title ? h('div', { class: 'title' }, l.title) : null,
      h('a', { href: l.url, class: 'target', target: '_blank', rel: 'noopener noreferrer' }, l.url),
    ),
    h('td', { 'data-label': 'Channel' }, l.channel ? channelLabel(l.channel) : h('span', { class: 'muted' }, '—')),
    h(
      'td',
      { 'data-label': 'Topics' },
      l.topics.length
        ? h(
            'ul',
            { class: 'chips' },
            l.topics.map((t) => h('li', null, h('a', { href: `/dashboard/topics/${encodeURIComponent(t)}` }, t))),
          )
        : h('span', { class: 'muted' }, '—'),
      l.campaign ? h('div', { class: 'muted small' }, `campaign: ${l.campaign}`) : null,
    ),
    clicksCell([l.code]),
    h('td', { 'data-label': 'Created' }, formatDate(l.createdAt)),
    h('td', { 'data-label': 'QR code' }, qrLinks(l.code)),
  )
}
