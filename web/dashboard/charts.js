import uPlot from '/dashboard/vendor/uplot/uPlot.esm.js'
import { h } from './element.js'
import { formatCount, formatDateTime } from './format.js'

/** The page's palette, read from CSS so charts and HTML bars always agree. */
function palette() {
  const css = getComputedStyle(document.documentElement)
  const v = (/** @type {string} */ name) => css.getPropertyValue(name).trim()
  return { dark: v('--dark'), public: v('--public'), text: v('--muted'), grid: v('--line') }
}

const HEIGHT = 240
// Bars counted in whole clicks: ticks at 1, 2, 5, 10 … never at 0.5.
const COUNT_INCREMENTS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 1e7, 1e8,
]

/**
 * Clicks over time as stacked bars: dark at the bottom, public on top. uPlot has no stacking of its own,
 * so "Public" is drawn at dark + public behind "Dark"; its legend shows the public count itself.
 * A data table follows the chart for screen readers and for anyone who wants exact numbers.
 *
 * @param {{ t: string, clicks: number, dark: number, public: number }[]} series
 * @param {{ caption: string, interval: 'hour' | 'day' }} opts
 */
export function darkPublicChart(series, { caption, interval }) {
  const colors = palette()
  const holder = h('div', { class: 'chart', role: 'img', 'aria-label': `${caption}: bar chart, data table below` })
  const xs = series.map((p) => Date.parse(p.t) / 1000)
  const dark = series.map((p) => p.dark)
  const sum = (/** @type {(p: { dark: number, public: number }) => number} */ of) =>
    series.reduce((n, p) => n + of(p), 0)
  const total = series.map((p) => p.dark + p.public)
  const bars = uPlot.paths.bars?.({ size: [0.8, 48], align: 0 })
  const half = (interval === 'hour' ? 3_600 : 86_400) / 2
  const axis = {
    stroke: colors.text,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1 },
  }

  /** @type {import('/dashboard/vendor/uplot/uPlot.esm.js').Options} */
  const opts = {
    width: 600,
    height: HEIGHT,
    cursor: { drag: { x: false, y: false } },
    // Half a bucket of room each side: a bar is centred on its bucket, so the first and last would be cut in half.
    scales: {
      x: { time: true, range: (_u, min, max) => [min - half, max + half] },
      y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
    },
    series: [
      // Without the cursor on a bar the legend shows the whole period's totals, not a row of dashes.
      { value: (_u, v) => (v == null ? 'whole period' : formatDateTime(new Date(v * 1000).toISOString())) },
      {
        label: 'Public',
        fill: colors.public,
        stroke: colors.public,
        width: 0,
        paths: bars,
        points: { show: false },
        value: (_u, _v, _si, i) => formatCount(i == null ? sum((p) => p.public) : series[i].public),
      },
      {
        label: 'Dark',
        fill: colors.dark,
        stroke: colors.dark,
        width: 0,
        paths: bars,
        points: { show: false },
        value: (_u, v, _si, i) => formatCount(i == null ? sum((p) => p.dark) : (v ?? 0)),
      },
    ],
    axes: [
      { ...axis, space: interval === 'hour' ? 60 : 50 },
      { ...axis, incrs: COUNT_INCREMENTS, values: (_u, ticks) => ticks.map(formatCount), size: 48 },
    ],
  }
  const plot = new uPlot(opts, [xs, total, dark], holder)
  // Follow the container's width (phones, resized windows) rather than a fixed size.
  new ResizeObserver(() => {
    const width = Math.floor(holder.clientWidth)
    if (width > 0 && width !== plot.width) plot.setSize({ width, height: HEIGHT })
  }).observe(holder)

  const busy = series.filter((p) => p.clicks > 0)
  const table = h(
    'details',
    { class: 'chart-data' },
    h(
      'summary',
      null,
      `Data table (${busy.length} of ${series.length} ${interval === 'hour' ? 'hours' : 'days'} with clicks)`,
    ),
    h(
      'table',
      null,
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, interval === 'hour' ? 'Hour' : 'Day'),
          h('th', { scope: 'col' }, 'Dark'),
          h('th', { scope: 'col' }, 'Public'),
          h('th', { scope: 'col' }, 'Clicks'),
        ),
      ),
      h(
        'tbody',
        null,
        busy.map((p) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, formatDateTime(p.t)),
            h('td', null, formatCount(p.dark)),
            h('td', null, formatCount(p.public)),
            h('td', null, formatCount(p.clicks)),
          ),
        ),
      ),
    ),
  )
  return h('figure', { class: 'chart-figure' }, h('figcaption', null, caption), holder, table)
}
