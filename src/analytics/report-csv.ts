import type { Medium } from '../clicks/classify/classification.ts'
import { countsCell, csvLine } from './csv.ts'
import type { ChannelReport, ContentReport, CountryReport, TopicReport } from './reports.ts'

// Every medium gets its own column, zeros included, so a spreadsheet can chart the mix directly.
const MEDIUMS = [
  'direct',
  'in_app',
  'messaging',
  'email',
  'social',
  'search',
  'referral',
  'internal',
] as const satisfies readonly Medium[]

// The share funnel's totals after the click columns (GET /reports/funnel has them broken down).
const TOPIC_FUNNEL_COLUMNS = [
  ['funnel_shares', 'shares'],
  ['funnel_shares_seen', 'sharesSeen'],
  ['funnel_clicks', 'clicks'],
  ['funnel_reshares', 'reshares'],
  ['funnel_arrivals', 'arrivals'],
  ['funnel_via_short_link', 'viaShortLink'],
  ['funnel_unattributed', 'unattributed'],
  ['funnel_virality', 'virality'],
] as const

export function topicReportCsv(report: TopicReport): string {
  const head = csvLine([
    'topic',
    'clicks',
    'dark',
    'public',
    'dark_share',
    'uniques',
    'previews',
    'previews_by_app',
    'bots',
    ...TOPIC_FUNNEL_COLUMNS.map(([name]) => name),
  ])
  return (
    head +
    report.topics
      .map((t) =>
        csvLine([
          t.topic,
          t.clicks,
          t.dark,
          t.public,
          t.darkShare,
          t.uniques,
          t.previews,
          countsCell(t.previewsByApp),
          t.bots,
          ...TOPIC_FUNNEL_COLUMNS.map(([, key]) => t.funnel[key]),
        ]),
      )
      .join('')
  )
}

export function channelReportCsv(report: ChannelReport): string {
  const head = csvLine([
    'channel',
    'declared_visibility',
    'clicks',
    'dark',
    'public',
    'dark_share',
    ...MEDIUMS.map((m) => `medium_${m}`),
    'previews',
    'bots',
    'funnel_shares',
    'funnel_virality',
  ])
  return (
    head +
    report.channels
      .map((c) =>
        csvLine([
          c.channel,
          c.declaredVisibility,
          c.clicks,
          c.dark,
          c.public,
          c.darkShare,
          ...MEDIUMS.map((m) => c.byMedium[m] ?? 0),
          c.previews,
          c.bots,
          c.funnel.shares,
          c.funnel.virality,
        ]),
      )
      .join('')
  )
}

/** The content's time series, one row per bucket and one clicks column per channel. */
export function contentReportCsv(report: ContentReport): string {
  // A channel whose link was disabled and replaced has two links in the report, one column.
  const channels = [...new Set(report.channels.map((c) => c.channel))]
  const head = csvLine(['t', 'clicks', 'dark', 'public', ...channels.map((c) => `clicks_${c}`)])
  return (
    head +
    report.series
      .map((p) => csvLine([p.t, p.clicks, p.dark, p.public, ...channels.map((c) => p.byChannel[c] ?? 0)]))
      .join('')
  )
}

export function countryReportCsv(report: CountryReport): string {
  return [csvLine(['country', 'clicks']), ...report.countries.map((c) => csvLine([c.country, c.clicks]))].join('')
}
