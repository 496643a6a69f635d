/** One group of conversions as the queries return them. */
export type ConversionRow = {
  event: string
  currency: string | null
  medium: string | null
  app: string | null
  visibility: string | null
  channel: string | null
  topics: string[]
  conversions: number
  value: number | null
}

type Counts = Record<string, number>

const round = (x: number) => Math.round(x * 10_000) / 10_000
const add = (c: Counts, key: string, n: number) => {
  c[key] = round((c[key] ?? 0) + n)
}
const addValue = (c: Counts, r: ConversionRow) => {
  if (r.currency !== null && r.value !== null) add(c, r.currency, r.value)
}
/** The entry of `key`, made by `make` the first time. */
function entry<V>(map: Map<string, V>, key: string, make: () => V): V {
  let v = map.get(key)
  if (v === undefined) {
    v = make()
    map.set(key, v)
  }
  return v
}
const share = (part: number, whole: number) => (whole > 0 ? round(part / whole) : null)
/** A missing label, as the stats name it. */
const named = (s: string | null, missing: string) => (s === null || s === '' ? missing : s)

/** A link's conversions: total, by event, value per currency, by medium and by app. */
export function tallyConversions(rows: readonly ConversionRow[]) {
  const stats = { total: 0, byEvent: {} as Counts, value: {} as Counts, byMedium: {} as Counts, byApp: {} as Counts }
  for (const r of rows) {
    stats.total += r.conversions
    add(stats.byEvent, r.event, r.conversions)
    addValue(stats.value, r)
    add(stats.byMedium, named(r.medium, 'unknown'), r.conversions)
    add(stats.byApp, named(r.app, 'none'), r.conversions)
  }
  return stats
}

/** Conversions and value by channel × medium and by topic, the dark share, and conversion rates per channel. */
export function buildConversionReport(input: {
  fromMs: number
  toMs: number
  rows: readonly ConversionRow[]
  clicksByChannel: readonly { channel: string; clicks: number }[]
}) {
  const value: Counts = {}
  const dark = { conversions: 0, value: {} as Counts }
  const byChannelMedium = new Map<string, { channel: string; medium: string; conversions: number; value: Counts }>()
  const byTopic = new Map<string, { topic: string; conversions: number; value: Counts }>()
  const byChannel = new Map<string, { channel: string; clicks: number; conversions: number; value: Counts }>()
  const channelOf = (channel: string) =>
    entry(byChannel, channel, () => ({ channel, clicks: 0, conversions: 0, value: {} as Counts }))
  for (const { channel, clicks } of input.clicksByChannel) channelOf(channel).clicks += clicks
  let total = 0
  for (const r of input.rows) {
    total += r.conversions
    addValue(value, r)
    if (r.visibility === 'dark') {
      dark.conversions += r.conversions
      addValue(dark.value, r)
    }
    const channel = named(r.channel, 'none')
    const medium = named(r.medium, 'unknown')
    const key = `${channel}\u0000${medium}`
    const cm = entry(byChannelMedium, key, () => ({ channel, medium, conversions: 0, value: {} as Counts }))
    cm.conversions += r.conversions
    addValue(cm.value, r)
    for (const topic of r.topics) {
      const t = entry(byTopic, topic, () => ({ topic, conversions: 0, value: {} as Counts }))
      t.conversions += r.conversions
      addValue(t.value, r)
    }
    const c = channelOf(channel)
    c.conversions += r.conversions
    addValue(c.value, r)
  }
  const byCount = <T extends { conversions: number }>(a: T, b: T) => b.conversions - a.conversions
  return {
    from: new Date(input.fromMs).toISOString(),
    to: new Date(input.toMs).toISOString(),
    total,
    value,
    dark: {
      conversions: dark.conversions,
      share: share(dark.conversions, total),
      value: dark.value,
      valueShare: Object.fromEntries(Object.entries(value).map(([cur, v]) => [cur, share(dark.value[cur] ?? 0, v)])),
    },
    byChannelMedium: [...byChannelMedium.values()].sort(byCount),
    byTopic: [...byTopic.values()].sort(byCount),
    byChannel: [...byChannel.values()]
      .map((c) => ({ ...c, rate: share(c.conversions, c.clicks) }))
      .sort((a, b) => byCount(a, b) || b.clicks - a.clicks),
  }
}

export type ConversionReport = ReturnType<typeof buildConversionReport>

/** The funnel's last step: conversions of the funnel's clicks, dark vs public, value, and per human click. */
export function funnelConversions(rows: readonly ConversionRow[], humanClicks: number) {
  const out = { total: 0, dark: 0, public: 0, byMedium: {} as Counts, value: {} as Counts, darkValue: {} as Counts }
  for (const r of rows) {
    out.total += r.conversions
    if (r.visibility === 'dark') {
      out.dark += r.conversions
      addValue(out.darkValue, r)
    } else out.public += r.conversions
    add(out.byMedium, named(r.medium, 'unknown'), r.conversions)
    addValue(out.value, r)
  }
  return { ...out, rate: share(out.total, humanClicks) }
}

/** The funnel CSV's conversion lines, as `section,key,value` rows like the rest of it. */
export function funnelConversionRows(c: ReturnType<typeof funnelConversions>): [string, string, number | null][] {
  const rows: [string, string, number | null][] = []
  for (const key of ['total', 'dark', 'public', 'rate'] as const) rows.push(['conversions', key, c[key]])
  for (const key of ['byMedium', 'value', 'darkValue'] as const)
    for (const [k, n] of Object.entries(c[key]).sort(([a], [b]) => a.localeCompare(b)))
      rows.push([`conversions.${key}`, k, n])
  return rows
}
