/** Rollup rows as the stats queries return them (counts already summed). */
export type LabelRow = { kind: string; medium: string; app: string; visibility: string; clicks: number }
export type SeriesRow = { t: number; visibility: string; clicks: number }
export type DimensionRow = { dimension: string; value: string; clicks: number }

export type SeriesPoint = { t: string; clicks: number; dark: number; public: number }
export type Interval = 'hour' | 'day'

export type LinkStats = {
  code: string
  from: string
  to: string
  interval: Interval
  clicks: number
  uniques: number
  dark: number
  public: number
  darkShare: number | null
  previews: number
  bots: number
  byMedium: Record<string, number>
  byApp: Record<string, number>
  byVisibility: Record<string, number>
  previewsByApp: Record<string, number>
  byBrowser: Record<string, number>
  byOs: Record<string, number>
  byDevice: Record<string, number>
  lossLedger: { preview: number; bot: number; head: number; prefetch: number }
  series: SeriesPoint[]
}

export const STEP_MS: Record<Interval, number> = { hour: 3_600_000, day: 86_400_000 }
const MAX_HOURLY_RANGE_MS = 3 * 86_400_000

/** Hourly buckets for ranges up to three days, daily beyond. */
export function chooseInterval(fromMs: number, toMs: number): Interval {
  return toMs - fromMs <= MAX_HOURLY_RANGE_MS ? 'hour' : 'day'
}

export function floorTo(ms: number, interval: Interval) {
  return Math.floor(ms / STEP_MS[interval]) * STEP_MS[interval]
}

const add = (m: Record<string, number>, key: string, n: number) => {
  m[key] = (m[key] ?? 0) + n
}

/**
 * Shapes rollup rows into the stats contract. `clicks` counts humans only; previews and bots are
 * evidence and noise, reported beside clicks, never inside them. The series has every bucket, zeros included.
 */
export function buildLinkStats(input: {
  code: string
  fromMs: number
  toMs: number
  interval: Interval
  labels: LabelRow[]
  series: SeriesRow[]
  dimensions: DimensionRow[]
  uniques: number
}): LinkStats {
  const s: LinkStats = {
    code: input.code,
    from: new Date(input.fromMs).toISOString(),
    to: new Date(input.toMs).toISOString(),
    interval: input.interval,
    clicks: 0, uniques: input.uniques, dark: 0, public: 0, darkShare: null, previews: 0, bots: 0,
    byMedium: {}, byApp: {}, byVisibility: {}, previewsByApp: {}, byBrowser: {}, byOs: {}, byDevice: {},
    lossLedger: { preview: 0, bot: 0, head: 0, prefetch: 0 },
    series: [],
  }
  for (const r of input.labels) {
    if (r.kind === 'human') {
      s.clicks += r.clicks
      add(s.byMedium, r.medium, r.clicks)
      add(s.byVisibility, r.visibility, r.clicks)
      if (r.app) add(s.byApp, r.app, r.clicks)
      if (r.visibility === 'dark') s.dark += r.clicks
      else s.public += r.clicks
    } else if (r.kind === 'preview') {
      s.previews += r.clicks
      s.lossLedger.preview += r.clicks
      add(s.previewsByApp, r.app || 'unknown', r.clicks)
    } else if (r.kind === 'bot') {
      s.bots += r.clicks
      s.lossLedger.bot += r.clicks
    } else if (r.kind === 'head' || r.kind === 'prefetch') {
      s.lossLedger[r.kind] += r.clicks
    }
  }
  s.darkShare = s.clicks ? s.dark / s.clicks : null
  const byDimension: Record<string, Record<string, number>> = { browser: s.byBrowser, os: s.byOs, device: s.byDevice }
  for (const d of input.dimensions) if (byDimension[d.dimension]) add(byDimension[d.dimension], d.value, d.clicks)

  const step = STEP_MS[input.interval]
  const buckets = new Map<number, SeriesPoint>()
  for (let t = floorTo(input.fromMs, input.interval); t < input.toMs; t += step)
    buckets.set(t, { t: new Date(t).toISOString(), clicks: 0, dark: 0, public: 0 })
  for (const r of input.series) {
    const b = buckets.get(r.t)
    if (!b) continue
    b.clicks += r.clicks
    if (r.visibility === 'dark') b.dark += r.clicks
    else b.public += r.clicks
  }
  s.series = [...buckets.values()]
  return s
}
