import { h } from './element.js'

/**
 * The headline numbers, each with a one-line meaning.
 * @param {{ label: string, value: string, hint: string, tone?: string }[]} tiles
 */
export function statTiles(tiles) {
  return h(
    'dl',
    { class: 'tiles' },
    tiles.map((t) =>
      h(
        'div',
        { class: `tile ${t.tone ?? ''}` },
        h('dt', null, t.label),
        h('dd', { class: 'tile-value' }, t.value),
        h('dd', { class: 'tile-hint' }, t.hint),
      ),
    ),
  )
}
