import { h } from './element.js'

/**
 * A <thead> row of column headers; columns from `numericFrom` on hold numbers and align right like them.
 * @param {string[]} labels
 * @param {{ numericFrom?: number, barColumn?: number }} [opts]
 */
export function tableHead(labels, { numericFrom = labels.length, barColumn = -1 } = {}) {
  return h(
    'thead',
    null,
    h(
      'tr',
      null,
      labels.map((label, i) =>
        h('th', { scope: 'col', class: i >= numericFrom ? 'num' : i === barColumn ? 'bar-col' : null }, label),
      ),
    ),
  )
}
