import { addLabels, addTo, emptyTally, type LabelRow } from './label-tally.ts'
import { zeroFilledSeries, type Interval, type SeriesPoint, type SeriesRow } from './series.ts'

export { chooseInterval, floorTo, STEP_MS, type Interval, type SeriesPoint, type SeriesRow } from './series.ts'
export type { LabelRow } from './label-tally.ts'
export type DimensionRow = { dimension: string; value: string; clicks: number }

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
  byCountry: Record<string, number>
  byCity: Record<string, number>
  byRule: Record<string, number>
  lossLedger: { preview: number; bot: number; head: number; prefetch: number }
  series: SeriesPoint[]
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
  const byApp: Record<string, number> = {}
  const byVisibility: Record<string, number> = {}
  const lossLedger: LinkStats['lossLedger'] = { preview: 0, bot: 0, head: 0, prefetch: 0 }
  // The tally's rules, and what a link's stats break down further: human clicks by app and visibility, the loss ledger.
  const t = addLabels(emptyTally(), input.labels, (r) => {
    if (r.kind === 'human') {
      addTo(byVisibility, r.visibility, r.clicks)
      if (r.app) addTo(byApp, r.app, r.clicks)
    } else if (r.kind in lossLedger) lossLedger[r.kind as keyof LinkStats['lossLedger']] += r.clicks
  })
  const byDimension: Record<string, Record<string, number>> = {
    browser: {},
    os: {},
    device: {},
    country: {},
    city: {},
    rule: {},
  }
  for (const d of input.dimensions) if (byDimension[d.dimension]) addTo(byDimension[d.dimension], d.value, d.clicks)
  return {
    code: input.code,
    from: new Date(input.fromMs).toISOString(),
    to: new Date(input.toMs).toISOString(),
    interval: input.interval,
    clicks: t.clicks,
    uniques: input.uniques,
    dark: t.dark,
    public: t.public,
    darkShare: t.darkShare,
    previews: t.previews,
    bots: t.bots,
    byMedium: t.byMedium,
    byApp,
    byVisibility,
    previewsByApp: t.previewsByApp,
    byBrowser: byDimension.browser,
    byOs: byDimension.os,
    byDevice: byDimension.device,
    byCountry: byDimension.country,
    byCity: byDimension.city,
    byRule: byDimension.rule,
    lossLedger,
    series: zeroFilledSeries(input, input.series, () => ({})),
  }
}
