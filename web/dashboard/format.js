const counts = new Intl.NumberFormat('en')
const dateTime = new Intl.DateTimeFormat('en', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})
const date = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric' })

/** 12345 → "12,345" */
export const formatCount = (/** @type {number} */ n) => counts.format(n)

/** 0.8 → "80%"; null (no clicks yet) → "—" */
export const formatShare = (/** @type {number | null | undefined} */ share) =>
  share === null || share === undefined ? '—' : `${Math.round(share * 100)}%`

export const formatDate = (/** @type {string} */ iso) => date.format(new Date(iso))
export const formatDateTime = (/** @type {string} */ iso) => dateTime.format(new Date(iso))

/** dark ÷ (dark + public), or null when nobody clicked. */
export const darkShareOf = (/** @type {number} */ dark, /** @type {number} */ pub) =>
  dark + pub ? dark / (dark + pub) : null
