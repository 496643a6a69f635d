import {
  type ChannelFunnel,
  type TopicFunnel,
  ZERO_CHANNEL_FUNNEL,
  ZERO_TOPIC_FUNNEL,
} from '../funnel/funnel-totals.ts'
import { findChannel, type ChannelVisibility } from '../shares/channels.ts'
import { addLabels, byClicksThenName, emptyTally, tallyBy, type LabelTally } from './label-tally.ts'
import type { LabelRow } from './link-stats.ts'
import type { ChannelLabelRow, ContentSeriesRow, TopicLabelRow } from './report-queries.ts'
import { zeroFilledSeries, type Interval } from './series.ts'

type Span = { from: string; to: string }
const span = (fromMs: number, toMs: number): Span => ({
  from: new Date(fromMs).toISOString(),
  to: new Date(toMs).toISOString(),
})

export type TopicReport = Span & { topics: (LabelTally & { topic: string; uniques: number; funnel: TopicFunnel })[] }

/** Per topic: how much of it circulates in private (dark) versus in public, with the previews that show shares. */
export function buildTopicReport(input: {
  fromMs: number
  toMs: number
  labels: TopicLabelRow[]
  uniques: { topic: string; uniques: number }[]
  /** The share funnel's totals per topic (src/funnel/funnel-totals.ts). */
  funnels?: Map<string, TopicFunnel>
}): TopicReport {
  const uniques = new Map(input.uniques.map((u) => [u.topic, u.uniques]))
  const topics = [...tallyBy(input.labels, (r) => r.topic)].map(([topic, tally]) => ({
    topic,
    ...tally,
    uniques: uniques.get(topic) ?? 0,
    funnel: input.funnels?.get(topic) ?? ZERO_TOPIC_FUNNEL,
  }))
  return { ...span(input.fromMs, input.toMs), topics: topics.sort(byClicksThenName((t) => t.topic)) }
}

/** Human clicks per country of the visitor, most first. */
export type CountryReport = Span & { countries: { country: string; clicks: number }[] }

export type ChannelReportRow = LabelTally & {
  channel: string
  label: string
  declaredVisibility: ChannelVisibility | null
  funnel: ChannelFunnel
}
export type ChannelReport = Span & { channels: ChannelReportRow[] }

/**
 * Per declared channel, the observed medium mix (declared × observed): a link made for X whose
 * clicks arrive mostly with no referrer or from in-app browsers was forwarded privately.
 */
export function buildChannelReport(input: {
  fromMs: number
  toMs: number
  labels: ChannelLabelRow[]
  funnels?: Map<string, ChannelFunnel>
}): ChannelReport {
  const channels = [...tallyBy(input.labels, (r) => r.channel)].map(([id, tally]) => {
    const channel = findChannel(id)
    return {
      channel: id,
      label: channel?.label ?? id,
      declaredVisibility: channel?.visibility ?? null,
      ...tally,
      funnel: input.funnels?.get(id) ?? ZERO_CHANNEL_FUNNEL,
    }
  })
  return { ...span(input.fromMs, input.toMs), channels: channels.sort(byClicksThenName((c) => c.channel)) }
}

export type ContentLink = { id: string; code: string; channel: string }
export type ContentSeriesPoint = {
  t: string
  clicks: number
  dark: number
  public: number
  byChannel: Record<string, number>
}
export type ContentReport = Span & {
  interval: Interval
  totals: LabelTally & { uniques: number }
  channels: (LabelTally & { channel: string; label: string; code: string })[]
  series: ContentSeriesPoint[]
}

/** One content across its channel links: totals, one row per channel (zeros included), and a zero-filled series. */
export function buildContentReport(input: {
  fromMs: number
  toMs: number
  interval: Interval
  links: ContentLink[]
  labels: (LabelRow & { link_id: string })[]
  series: ContentSeriesRow[]
  uniques: number
}): ContentReport {
  const byLink = tallyBy(input.labels, (r) => r.link_id)
  const channelOf = new Map(input.links.map((l) => [l.id, l.channel]))
  const channels = input.links
    .map((l) => ({
      channel: l.channel,
      label: findChannel(l.channel)?.label ?? l.channel,
      code: l.code,
      ...(byLink.get(l.id) ?? emptyTally()),
    }))
    .sort(byClicksThenName((c) => c.channel))

  const series = zeroFilledSeries(
    input,
    input.series,
    () => ({ byChannel: {} as Record<string, number> }),
    (point, r) => {
      const channel = channelOf.get(r.link_id)
      if (channel) point.byChannel[channel] = (point.byChannel[channel] ?? 0) + r.clicks
      return channel !== undefined
    },
  )
  return {
    ...span(input.fromMs, input.toMs),
    interval: input.interval,
    totals: { ...addLabels(emptyTally(), input.labels), uniques: input.uniques },
    channels,
    series,
  }
}
