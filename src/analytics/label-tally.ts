/** Rollup rows as the stats queries return them (counts already summed). */
export type LabelRow = { kind: string; medium: string; app: string; visibility: string; clicks: number }

/** Human clicks split dark vs public and by medium, with previews (shares seen) and bots kept apart. */
export type LabelTally = {
  clicks: number
  dark: number
  public: number
  darkShare: number | null
  byMedium: Record<string, number>
  previews: number
  previewsByApp: Record<string, number>
  bots: number
}

export const emptyTally = (): LabelTally => ({
  clicks: 0,
  dark: 0,
  public: 0,
  darkShare: null,
  byMedium: {},
  previews: 0,
  previewsByApp: {},
  bots: 0,
})

export const addTo = (m: Record<string, number>, key: string, n: number) => {
  m[key] = (m[key] ?? 0) + n
}
const add = addTo

/**
 * Adds rollup rows into a tally, for a link's stats and every report alike: human clicks are the clicks
 * (dark or public by their visibility, src/clicks/classify/classify-click.ts), previews and bots are
 * counted apart. `each` sees every row too, for a caller's further breakdowns.
 */
export function addLabels<R extends Pick<LabelRow, 'kind' | 'medium' | 'app' | 'visibility' | 'clicks'>>(
  t: LabelTally,
  rows: Iterable<R>,
  each?: (r: R) => void,
): LabelTally {
  for (const r of rows) {
    each?.(r)
    if (r.kind === 'human') {
      t.clicks += r.clicks
      add(t.byMedium, r.medium, r.clicks)
      if (r.visibility === 'dark') t.dark += r.clicks
      else t.public += r.clicks
    } else if (r.kind === 'preview') {
      t.previews += r.clicks
      add(t.previewsByApp, r.app || 'unknown', r.clicks)
    } else if (r.kind === 'bot') {
      t.bots += r.clicks
    }
  }
  t.darkShare = t.clicks ? t.dark / t.clicks : null
  return t
}

/** Groups rows by a key and tallies each group. */
export function tallyBy<R extends Pick<LabelRow, 'kind' | 'medium' | 'app' | 'visibility' | 'clicks'>>(
  rows: readonly R[],
  keyOf: (r: R) => string,
): Map<string, LabelTally> {
  const groups = new Map<string, R[]>()
  for (const r of rows) {
    const key = keyOf(r)
    const group = groups.get(key)
    if (group) group.push(r)
    else groups.set(key, [r])
  }
  return new Map([...groups].map(([key, group]) => [key, addLabels(emptyTally(), group)]))
}

/** Most clicks first, then by name, so reports read top-down. */
export const byClicksThenName =
  <T extends { clicks: number }>(name: (x: T) => string) =>
  (a: T, b: T) =>
    b.clicks - a.clicks || name(a).localeCompare(name(b))
