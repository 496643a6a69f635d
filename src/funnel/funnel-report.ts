import { csvLine } from '../analytics/csv.ts'
import type { ArrivalSource } from './funnel-event.ts'

export type ShareRow = { channel: string; n: number }
/** Link-preview fetches of the kit links, by the app that fetched and the link's channel. */
export type PreviewRow = { app: string; channel: string; n: number }
export type ClickRow = { medium: string; visibility: string; n: number }
export type ArrivalRow = {
  medium: string
  app: string
  visibility: string
  source: ArrivalSource
  generation: number
  n: number
}
export type FunnelInputs = { shares: ShareRow[]; previews: PreviewRow[]; clicks: ClickRow[]; arrivals: ArrivalRow[] }

type Counts = Record<string, number>
export type FunnelReport = {
  from: string
  to: string
  shares: { total: number; byChannel: Counts }
  /** Previews by app: shares seen. `nativeByApp`: those of the native share sheet's link, i.e. native shares resolved to apps. */
  sharesSeen: { total: number; byApp: Counts; nativeByApp: Counts }
  clicks: { total: number; dark: number; public: number; byMedium: Counts }
  addressBar: { arrivals: number; byGeneration: Counts }
  arrivals: {
    total: number
    dark: number
    public: number
    viaShortLink: number
    viaAddressBar: number
    unattributed: number
    byMedium: Counts
    byApp: Counts
  }
  /** (human clicks + address-bar arrivals) ÷ share actions; null without share actions. */
  virality: number | null
}

const add = (counts: Counts, key: string, n: number) => {
  if (key !== '') counts[key] = (counts[key] ?? 0) + n
}

/** The share funnel of a content, topic or campaign, from its rollup rows: plain sums, no I/O. */
export function buildFunnelReport(fromMs: number, toMs: number, input: FunnelInputs): FunnelReport {
  const shares = { total: 0, byChannel: {} as Counts }
  for (const r of input.shares) {
    shares.total += r.n
    add(shares.byChannel, r.channel, r.n)
  }
  const sharesSeen = { total: 0, byApp: {} as Counts, nativeByApp: {} as Counts }
  for (const r of input.previews) {
    sharesSeen.total += r.n
    add(sharesSeen.byApp, r.app || 'unknown', r.n)
    if (r.channel === 'native') add(sharesSeen.nativeByApp, r.app || 'unknown', r.n)
  }
  const clicks = { total: 0, dark: 0, public: 0, byMedium: {} as Counts }
  for (const r of input.clicks) {
    clicks.total += r.n
    if (r.visibility === 'dark') clicks.dark += r.n
    else clicks.public += r.n
    add(clicks.byMedium, r.medium, r.n)
  }
  const addressBar = { arrivals: 0, byGeneration: {} as Counts }
  const arrivals = {
    total: 0,
    dark: 0,
    public: 0,
    viaShortLink: 0,
    viaAddressBar: 0,
    unattributed: 0,
    byMedium: {} as Counts,
    byApp: {} as Counts,
  }
  for (const r of input.arrivals) {
    arrivals.total += r.n
    if (r.visibility === 'dark') arrivals.dark += r.n
    else arrivals.public += r.n
    if (r.source === 'via_short_link') arrivals.viaShortLink += r.n
    else if (r.source === 'address_bar') {
      arrivals.viaAddressBar += r.n
      addressBar.arrivals += r.n
      add(addressBar.byGeneration, String(r.generation), r.n)
    } else if (r.source === 'unattributed') arrivals.unattributed += r.n
    add(arrivals.byMedium, r.medium, r.n)
    add(arrivals.byApp, r.app, r.n)
  }
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    shares,
    sharesSeen,
    clicks,
    addressBar,
    arrivals,
    virality: shares.total > 0 ? (clicks.total + addressBar.arrivals) / shares.total : null,
  }
}

/** The report as `section,key,value` lines: every number of the JSON, one per row. */
export function funnelReportCsv(report: FunnelReport): string {
  const rows: [string, string, number | null][] = []
  for (const section of ['shares', 'sharesSeen', 'clicks', 'addressBar', 'arrivals'] as const) {
    for (const [key, value] of Object.entries(report[section])) {
      if (typeof value === 'number') rows.push([section, key, value])
      else
        for (const [k, n] of Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
          rows.push([`${section}.${key}`, k, n])
    }
  }
  rows.push(['virality', '', report.virality])
  return csvLine(['section', 'key', 'value']) + rows.map(csvLine).join('')
}
