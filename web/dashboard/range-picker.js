import { h } from './element.js'

/** The periods a marketer asks about; the API picks hourly buckets up to three days, daily beyond. */
const RANGES = /** @type {const} */ ([
  ['24h', 'Last 24 hours', 86_400_000],
  ['7d', 'Last 7 days', 7 * 86_400_000],
  ['30d', 'Last 30 days', 30 * 86_400_000],
  ['90d', 'Last 90 days', 90 * 86_400_000],
])
export const DEFAULT_RANGE = '30d'

/**
 * from/to for the API, from a range id such as "7d". `to` is rounded up to the next minute, so a click
 * made just now is inside it.
 * @param {string | null} id
 */
export function rangeQuery(id) {
  const range = RANGES.find((r) => r[0] === id) ?? RANGES.find((r) => r[0] === DEFAULT_RANGE)
  const to = Math.ceil((Date.now() + 1) / 60_000) * 60_000
  return { from: new Date(to - /** @type {number} */ (range?.[2])).toISOString(), to: new Date(to).toISOString() }
}

export const rangeLabel = (/** @type {string} */ id) => RANGES.find((r) => r[0] === id)?.[1] ?? ''

/**
 * A labelled <select> whose choice lives in the address (?range=7d), so a reload or a shared link keeps it.
 * @param {{ value: string, onChange: (id: string) => void }} opts
 */
export function rangePicker({ value, onChange }) {
  const select = h(
    'select',
    { id: 'range', name: 'range' },
    RANGES.map(([id, label]) => h('option', { value: id, selected: id === value }, label)),
  )
  select.addEventListener('change', () => {
    const url = new URL(location.href)
    url.searchParams.set('range', select.value)
    history.replaceState(null, '', url.pathname + url.search)
    onChange(select.value)
  })
  return h('div', { class: 'field range' }, h('label', { for: 'range' }, 'Period'), select)
}

/** The range in the address, or the default. */
export const rangeFrom = (/** @type {URLSearchParams} */ query) => {
  const id = query.get('range') ?? DEFAULT_RANGE
  return RANGES.some((r) => r[0] === id) ? id : DEFAULT_RANGE
}
