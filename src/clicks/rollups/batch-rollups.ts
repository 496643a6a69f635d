import { dayOf, hourOf, type PlacedLabel, ROLLUPS, type RollupLabel } from './rollup-keys.ts'

export type { RollupLabel }

/**
 * Rollup rows of one batch as Postgres array literals (one per column, ready for unnest), sorted by
 * primary key so that concurrent writers lock rows in one order.
 */
export type RollupColumns = {
  /** Link ids, hours, one column per hourly label (ROLLUPS.hourly.labels), clicks. */
  hourly: string[]
  dimensions: [linkIds: string, days: string, dimensions: string, values: string, clicks: string]
  visitors: [linkIds: string, days: string, visitors: string]
}

export type BatchRollups = ReturnType<typeof createBatchRollups>

/**
 * Pre-aggregates a batch's rollups in memory as its clicks are recorded, so the batch can be COPYed
 * straight into clicks and the rollups upserted as a few thousand rows instead of recomputed from tens
 * of thousands. Counting is keyed by object identity (link id string, memoised label) with no string
 * building per click; rows are built once, at write time, straight into array literals (pg's own
 * array encoding of ~60k values cost as much again as building them).
 */
export function createBatchRollups() {
  // link → hour → label with the click's dimensions → clicks
  const counts = new Map<string, Map<number, Map<PlacedLabel, number>>>()
  // label → country → rule → city → the one placed label of that tuple: counting stays keyed by identity
  const placed = new Map<RollupLabel, Map<string | null, Map<number | null, Map<string | null, PlacedLabel>>>>()
  const placedOf = (label: RollupLabel, country: string | null, rule: number | null, city: string | null) => {
    const byCity = entryOf(
      entryOf(entryOf(placed, label, newPlacedCountries), country, newPlacedRules),
      rule,
      newCities,
    )
    let p = byCity.get(city)
    if (p === undefined) {
      p = Object.freeze({ ...label, country, rule, city })
      byCity.set(city, p)
    }
    return p
  }
  // link → day → visitor hashes
  const visitors = new Map<string, Map<number, Set<number>>>()
  let built: RollupColumns | null = null

  return {
    /** Whether any human click of the batch carried a visitor hash (so there are visitor-day rows to write). */
    hasVisitors: () => visitors.size > 0,

    /**
     * One click: its link, time (epoch ms), visitor hash (humans only), label, country, rule (null: none) and
     * city (rollup-keys.ts' cityKey; null: none).
     */
    add(
      linkId: string,
      at: number,
      visitor: number | null,
      verdictLabel: RollupLabel,
      country: string | null,
      rule: number | null = null,
      city: string | null = null,
    ) {
      const label = placedOf(verdictLabel, country, rule, city)
      const hour = hourOf(at)
      const byLabel = entryOf(entryOf(counts, linkId, newHours), hour, newLabels)
      byLabel.set(label, (byLabel.get(label) ?? 0) + 1)
      if (visitor !== null && label.kind === ROLLUPS.person)
        entryOf(entryOf(visitors, linkId, newDays), dayOf(at), newVisitors).add(visitor)
    },

    /** The rows, built once (the writer may build them ahead, while Postgres writes the batch before). */
    columns(): RollupColumns {
      built ??= buildColumns(counts, visitors)
      return built
    },
  }
}

/**
 * The labels of a batch, ranked once: each label's hourly key (kind, medium, app, visibility) and its dimension
 * values get a rank in primary-key order, so rows are accumulated in small arrays indexed by
 * rank and come out sorted, with no string building or sorting per row.
 */
function rankLabels(labels: Iterable<PlacedLabel>) {
  const hourKeys = new Map<string, string[]>()
  const dimKeys = new Map<string, string[]>()
  const parts = new Map<PlacedLabel, { hour: string; dims: string[] | null }>()
  for (const l of labels) {
    if (parts.has(l)) continue
    // The keys and defaults of rollup-keys.ts, as the SQL rollups use them.
    const hourParts = ROLLUPS.hourly.labels.map((k) => quoted(l[k] ?? ROLLUPS.hourly.missing))
    const hour = hourParts.join('\0')
    hourKeys.set(hour, hourParts)
    let dims: string[] | null = null
    if (l.kind === ROLLUPS.person) {
      dims = []
      for (const dim of ROLLUPS.dimensions.names) dims.push(`${dim}\0${l[dim] ?? ROLLUPS.dimensions.missing}`)
      for (const dim of ROLLUPS.clickDimensions) {
        // A click dimension whose missing value is null (rule) adds no row for a click without one.
        const value = l[dim] ?? ROLLUPS.clickMissing[dim]
        if (value !== null) dims.push(`${dim}\0${value}`)
      }
      for (const k of dims) dimKeys.set(k, k.split('\0').map(quoted))
    }
    parts.set(l, { hour, dims })
  }
  const hourOrder = [...hourKeys.keys()].sort()
  const dimOrder = [...dimKeys.keys()].sort()
  const hourRank = new Map(hourOrder.map((k, i) => [k, i]))
  const dimRank = new Map(dimOrder.map((k, i) => [k, i]))
  const rankOf = new Map<PlacedLabel, { hour: number; dims: number[] | null }>()
  for (const [l, p] of parts)
    rankOf.set(l, { hour: rankIn(hourRank, p.hour), dims: p.dims?.map((k) => rankIn(dimRank, k)) ?? null })
  const rowsOf = (order: string[], keys: Map<string, string[]>) => order.map((k) => keys.get(k) ?? [])
  return { rankOf, hourRows: rowsOf(hourOrder, hourKeys), dimRows: rowsOf(dimOrder, dimKeys) }
}

function buildColumns(
  counts: Map<string, Map<number, Map<PlacedLabel, number>>>,
  visitors: Map<string, Map<number, Set<number>>>,
): RollupColumns {
  const labels = new Set<PlacedLabel>()
  for (const byHour of counts.values())
    for (const byLabel of byHour.values()) for (const l of byLabel.keys()) labels.add(l)
  const { rankOf, hourRows, dimRows } = rankLabels(labels)
  const h = {
    links: [] as string[],
    hours: [] as string[],
    labels: ROLLUPS.hourly.labels.map(() => [] as string[]),
    n: [] as number[],
  }
  const d = {
    links: [] as string[],
    days: [] as string[],
    dims: [] as string[],
    values: [] as string[],
    n: [] as number[],
  }
  const hourCounts = new Float64Array(hourRows.length)
  const dimCounts = new Float64Array(dimRows.length)
  for (const [linkId, byHour] of [...counts].sort(([a], [b]) => compareIds(a, b))) {
    let day = -1
    let dayIso = ''
    const flushDay = () => {
      for (let r = 0; r < dimCounts.length; r++)
        if (dimCounts[r] > 0) {
          d.links.push(linkId)
          d.days.push(dayIso)
          d.dims.push(dimRows[r][0])
          d.values.push(dimRows[r][1])
          d.n.push(dimCounts[r])
          dimCounts[r] = 0
        }
    }
    for (const [hour, byLabel] of [...byHour].sort(([a], [b]) => a - b)) {
      const hourIso = new Date(hour).toISOString()
      const hourDay = dayOf(hour)
      if (hourDay !== day) {
        flushDay()
        day = hourDay
        dayIso = hourIso.slice(0, 10)
      }
      for (const [l, n] of byLabel) {
        const rank = rankOf.get(l)
        if (!rank) continue
        hourCounts[rank.hour] += n
        if (rank.dims) for (const r of rank.dims) dimCounts[r] += n
      }
      for (let r = 0; r < hourCounts.length; r++)
        if (hourCounts[r] > 0) {
          h.links.push(linkId)
          h.hours.push(hourIso)
          h.n.push(hourCounts[r])
          for (let c = 0; c < h.labels.length; c++) h.labels[c].push(hourRows[r][c])
          hourCounts[r] = 0
        }
    }
    flushDay()
  }
  // Visitors come in runs of one link and day: each run is one repeat() of its link and of its day.
  const v = { links: [] as string[], days: [] as string[], visitors: [] as string[] }
  for (const [linkId, byDay] of [...visitors].sort(([a], [b]) => compareIds(a, b))) {
    for (const [day, set] of [...byDay].sort(([a], [b]) => a - b)) {
      const dayIso = new Date(day).toISOString().slice(0, 10)
      const sorted = Float64Array.from(set).sort()
      v.links.push(`${linkId},`.repeat(sorted.length - 1) + linkId)
      v.days.push(`${dayIso},`.repeat(sorted.length - 1) + dayIso)
      v.visitors.push(sorted.join(','))
    }
  }
  return {
    hourly: [plainArray(h.links), plainArray(h.hours), ...h.labels.map(plainArray), plainArray(h.n)],
    dimensions: [plainArray(d.links), plainArray(d.days), plainArray(d.dims), plainArray(d.values), plainArray(d.n)],
    visitors: [plainArray(v.links), plainArray(v.days), plainArray(v.visitors)],
  }
}

/** An array literal of elements already in literal form (numbers, ids, ISO dates and times, quoted text). */
const plainArray = (values: readonly (string | number)[]) => `{${values.join(',')}}`

/** A text value as an array element: quoted ("" included), with " and \ escaped. */
const quoted = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`

/** Decimal id strings in numeric order. */
const compareIds = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)

const newHours = () => new Map<number, Map<RollupLabel, number>>()
const newLabels = () => new Map<RollupLabel, number>()
const newDays = () => new Map<number, Set<number>>()
const newVisitors = () => new Set<number>()
const newPlacedCountries = () => new Map<string | null, Map<number | null, Map<string | null, PlacedLabel>>>()
const newPlacedRules = () => new Map<number | null, Map<string | null, PlacedLabel>>()
const newCities = () => new Map<string | null, PlacedLabel>()

/** The value under `key`, made by `make` and stored first if there is none. */
function entryOf<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key)
  if (value === undefined) {
    value = make()
    map.set(key, value)
  }
  return value
}

/** A key's rank; every key was ranked when the ranks were made (rankLabels). */
function rankIn(ranks: Map<string, number>, key: string): number {
  const rank = ranks.get(key)
  if (rank === undefined) throw new Error(`unranked rollup key ${JSON.stringify(key)}`)
  return rank
}
