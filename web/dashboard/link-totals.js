import { api } from './api.js'
import { h } from './element.js'
import { formatCount } from './format.js'

/** What GET /api/v1/reports/links takes at once. */
const CODES_PER_CALL = 200
/** The lists count the last 30 days (the API's default range), and their column says so. */
export const LIST_CLICKS_LABEL = 'Clicks, 30 days'

/**
 * Click totals of many links at once, in calls of up to 200 codes: code → { clicks, dark, public, previews }.
 * @param {string[]} codes
 * @param {AbortSignal} signal
 * @returns {Promise<Map<string, { clicks: number, dark: number, public: number, previews: number }>>}
 */
export async function fetchLinkTotals(codes, signal) {
  const unique = [...new Set(codes)]
  const calls = []
  for (let i = 0; i < unique.length; i += CODES_PER_CALL)
    calls.push(
      api('/api/v1/reports/links', { query: { codes: unique.slice(i, i + CODES_PER_CALL).join(',') }, signal }),
    )
  const pages = await Promise.all(calls)
  return new Map(pages.flatMap((p) => p.links.map((/** @type {any} */ l) => [l.code, l])))
}

/** A table cell that shows "…" until fillClickCells gives it the clicks of `codes` (one link, or a kit's links). */
export function clicksCell(/** @type {string[]} */ codes) {
  return h('td', { class: 'num', 'data-label': LIST_CLICKS_LABEL, 'data-clicks-of': codes.join(',') }, '…')
}

/**
 * Fills every clicks cell under `root` from the totals; a failed load leaves "—" with the reason as its title.
 * @param {Element} root
 * @param {AbortSignal} signal
 */
export async function fillClickCells(root, signal) {
  const cells = [...root.querySelectorAll('td[data-clicks-of]')].filter((c) => c.textContent === '…')
  if (cells.length === 0) return
  const codesOf = (/** @type {Element} */ c) => (c.getAttribute('data-clicks-of') ?? '').split(',').filter(Boolean)
  try {
    const totals = await fetchLinkTotals(cells.flatMap(codesOf), signal)
    for (const cell of cells) {
      const t = codesOf(cell).map((code) => totals.get(code))
      const clicks = t.reduce((n, x) => n + (x?.clicks ?? 0), 0)
      const dark = t.reduce((n, x) => n + (x?.dark ?? 0), 0)
      cell.textContent = formatCount(clicks)
      cell.setAttribute('title', `${formatCount(dark)} dark, ${formatCount(clicks - dark)} public`)
    }
  } catch (err) {
    if (signal.aborted) return
    for (const cell of cells) {
      cell.textContent = '—'
      cell.setAttribute('title', `Could not load the clicks: ${/** @type {Error} */ (err).message}`)
    }
  }
}
