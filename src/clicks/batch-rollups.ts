import type { ClickRecord } from './click-record.ts'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

/** The label fields of a click that rollups count by; the classifier hands out one frozen object per verdict. */
type Label = Pick<ClickRecord, 'kind' | 'medium' | 'app' | 'visibility' | 'browser' | 'os' | 'device'>

/** Rollup rows of one batch, as column arrays for unnest, sorted by key so concurrent writers lock rows in one order. */
export type RollupColumns = {
  hourly: [linkIds: string[], hours: string[], kinds: string[], media: string[], apps: string[], visibilities: string[], clicks: number[]]
  dimensions: [linkIds: string[], days: string[], dimensions: string[], values: string[], clicks: number[]]
  visitors: [linkIds: string[], days: string[], visitors: number[]]
}

export type BatchRollups = ReturnType<typeof createBatchRollups>

/**
 * Pre-aggregates a batch's rollups in memory as its clicks are recorded, so the batch can be COPYed
 * straight into clicks and the rollups upserted as a few hundred rows instead of recomputed from
 * thousands. Counting is keyed by object identity (link id string, memoised label), with no string
 * building per click; values become rows once, at write time.
 */
export function createBatchRollups() {
  // hour → link → label → clicks
  const counts = new Map<number, Map<string, Map<Label, number>>>()
  // day → link → visitor hashes
  const visitors = new Map<number, Map<string, Set<number>>>()

  return {
    add(click: ClickRecord, label: Label) {
      const hour = click.at - (click.at % HOUR_MS)
      let byLink = counts.get(hour)
      if (byLink === undefined) counts.set(hour, (byLink = new Map()))
      let byLabel = byLink.get(click.linkId)
      if (byLabel === undefined) byLink.set(click.linkId, (byLabel = new Map()))
      byLabel.set(label, (byLabel.get(label) ?? 0) + 1)
      if (click.visitor !== null && click.kind === 'human') {
        const day = click.at - (click.at % DAY_MS)
        let dayLinks = visitors.get(day)
        if (dayLinks === undefined) visitors.set(day, (dayLinks = new Map()))
        let set = dayLinks.get(click.linkId)
        if (set === undefined) dayLinks.set(click.linkId, (set = new Set()))
        set.add(click.visitor)
      }
    },

    columns(): RollupColumns {
      const hourly = new Map<string, number>()
      const dimensions = new Map<string, number>()
      for (const [hour, byLink] of counts) {
        const hourIso = new Date(hour).toISOString()
        const dayIso = hourIso.slice(0, 10)
        for (const [linkId, byLabel] of byLink)
          for (const [l, n] of byLabel) {
            // Same keys and defaults as the SQL rollups: '' for a missing label, 'unknown' for a missing dimension.
            add(hourly, [linkId, hourIso, l.kind, l.medium ?? '', l.app ?? '', l.visibility ?? ''], n)
            if (l.kind !== 'human') continue
            add(dimensions, [linkId, dayIso, 'browser', l.browser ?? 'unknown'], n)
            add(dimensions, [linkId, dayIso, 'os', l.os ?? 'unknown'], n)
            add(dimensions, [linkId, dayIso, 'device', l.device ?? 'unknown'], n)
          }
      }
      const visitorRows: [string, string, number][] = []
      for (const [day, dayLinks] of visitors) {
        const dayIso = new Date(day).toISOString().slice(0, 10)
        for (const [linkId, set] of dayLinks) for (const v of set) visitorRows.push([linkId, dayIso, v])
      }
      visitorRows.sort((a, b) => compareIds(a[0], b[0]) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2])
      return {
        hourly: toColumns(hourly, 6) as RollupColumns['hourly'],
        dimensions: toColumns(dimensions, 4) as RollupColumns['dimensions'],
        visitors: [visitorRows.map((r) => r[0]), visitorRows.map((r) => r[1]), visitorRows.map((r) => r[2])],
      }
    },
  }
}

const SEP = '\u0000'

function add(m: Map<string, number>, key: string[], n: number) {
  const k = key.join(SEP)
  m.set(k, (m.get(k) ?? 0) + n)
}

/** Rows sorted as Postgres sorts the primary key (link id numerically first), one array per column. */
function toColumns(m: Map<string, number>, width: number): (string[] | number[])[] {
  const rows = [...m].map(([k, n]) => [k.split(SEP), n] as const)
  rows.sort(([a], [b]) => {
    const byLink = compareIds(a[0], b[0])
    if (byLink) return byLink
    for (let i = 1; i < width; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1
    return 0
  })
  const cols: (string[] | number[])[] = Array.from({ length: width }, (_, i) => rows.map(([k]) => k[i]))
  cols.push(rows.map(([, n]) => n))
  return cols
}

/** Decimal id strings in numeric order. */
const compareIds = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
