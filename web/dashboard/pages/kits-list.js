import { api, ApiError } from '../api.js'
import { fill, h } from '../element.js'
import { formatDate } from '../format.js'
import { clicksCell, fillClickCells, LIST_CLICKS_LABEL } from '../link-totals.js'
import { tableHead } from '../table-head.js'

const KITS_SHOWN = 20

/**
 * The newest share kits (one content, one link per channel), following the topic and campaign filters.
 * @param {{ signal: AbortSignal }} opts
 */
export function kitsList({ signal }) {
  const body = h('div', null, h('p', { class: 'muted' }, 'Loading share kits…'))
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'kits-title' },
    h('h2', { id: 'kits-title' }, 'Share kits'),
    body,
  )

  // Only the newest of overlapping loads may fill the list (answers can arrive out of order).
  let generation = 0

  /** @param {{ topic?: string, campaign?: string }} filters */
  async function load(filters) {
    const asked = ++generation
    try {
      const page = await api('/api/v1/shares', {
        query: { topic: filters.topic, campaign: filters.campaign, limit: KITS_SHOWN },
        signal,
      })
      if (asked !== generation) return
      /** @type {{ content: { id: string, url: string, title: string | null, topics: string[], campaign: string | null, createdAt: string }, links: { code: string }[] }[]} */
      const kits = page.items
      if (kits.length === 0)
        return fill(
          body,
          h(
            'p',
            { class: 'muted' },
            filters.topic || filters.campaign
              ? 'No share kit matches the topic and campaign filters.'
              : 'No share kits yet.',
          ),
        )
      fill(
        body,
        h(
          'table',
          { class: 'kits responsive' },
          h('caption', { class: 'visually-hidden' }, 'Share kits, newest first'),
          tableHead(['Content', 'Topics', 'Campaign', 'Channels', LIST_CLICKS_LABEL, 'Created'], { numericFrom: 3 }),
          h(
            'tbody',
            null,
            kits.map(({ content: c, links }) =>
              h(
                'tr',
                { 'data-content': c.id },
                h(
                  'th',
                  { scope: 'row', 'data-label': 'Content' },
                  h('a', { href: `/dashboard/content/${encodeURIComponent(c.id)}` }, c.title ?? c.url),
                  h('div', { class: 'target muted' }, c.url),
                ),
                h(
                  'td',
                  { 'data-label': 'Topics' },
                  c.topics.length
                    ? h(
                        'ul',
                        { class: 'chips' },
                        c.topics.map((t) =>
                          h('li', null, h('a', { href: `/dashboard/topics/${encodeURIComponent(t)}` }, t)),
                        ),
                      )
                    : h('span', { class: 'muted' }, '—'),
                ),
                h('td', { 'data-label': 'Campaign' }, c.campaign ?? h('span', { class: 'muted' }, '—')),
                h('td', { class: 'num', 'data-label': 'Channels' }, String(links.length)),
                clicksCell(links.map((l) => l.code)),
                h('td', { class: 'num', 'data-label': 'Created' }, formatDate(c.createdAt)),
              ),
            ),
          ),
        ),
        page.nextCursor
          ? h(
              'p',
              { class: 'muted small' },
              `The newest ${KITS_SHOWN}; filter by topic or campaign to find older ones.`,
            )
          : null,
      )
      void fillClickCells(body, signal)
    } catch (err) {
      if (signal.aborted) return
      fill(
        body,
        h(
          'p',
          { class: 'error', role: 'alert' },
          `Could not load share kits: ${err instanceof ApiError ? err.detail : String(err)}`,
        ),
      )
    }
  }
  return { element, load }
}
