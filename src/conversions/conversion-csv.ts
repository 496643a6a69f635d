import { csvLine } from '../analytics/csv.ts'
import type { ConversionReport } from './conversion-tally.ts'

/** One row per channel × medium × currency (a row with no value has an empty currency), then a dark-share row. */
export function conversionReportCsv(report: ConversionReport): string {
  const lines = [csvLine(['channel', 'medium', 'conversions', 'currency', 'value'])]
  for (const row of report.byChannelMedium) {
    const values = Object.entries(row.value)
    if (values.length === 0) lines.push(csvLine([row.channel, row.medium, row.conversions, '', '']))
    for (const [currency, value] of values)
      lines.push(csvLine([row.channel, row.medium, row.conversions, currency, value]))
  }
  lines.push(csvLine(['dark share', '', report.dark.share, '', '']))
  for (const [currency, share] of Object.entries(report.dark.valueShare))
    lines.push(csvLine(['dark share of value', '', '', currency, share]))
  return lines.join('')
}
