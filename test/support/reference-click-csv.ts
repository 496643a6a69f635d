import { CLICK_EXPORT_COLUMNS, type ClickExportFilter } from '../../src/analytics/click-export.ts'
import { csvLine } from '../../src/analytics/csv.ts'
import type { Queryable } from '../../src/infra/pool.ts'

/**
 * The click export as it was written before Postgres formatted it: the same rows, read as values and made
 * CSV by csv.ts in JS. What clients parsed then is what the export must still write, byte for byte.
 */
export async function referenceClickCsv(db: Queryable, f: ClickExportFilter): Promise<string> {
  const { rows } = await db.query(
    `select c.clicked_at, l.code, l.channel, l.topics, l.campaign, l.content_id,
            c.kind, c.medium, c.app, c.visibility, c.browser, c.os, c.device, c.country, c.region, c.city, c.language
     from labeled_clicks c
     join links l on l.id = c.link_id
     where c.clicked_at >= $1 and c.clicked_at < $2
       and ($3::bigint is null or c.link_id = $3)
       and ($4::text is null or $4 = any(l.topics))
     order by c.clicked_at, c.link_id, c.id`,
    [f.from, f.to, f.linkId ?? null, f.topic ?? null],
  )
  let csv = csvLine(CLICK_EXPORT_COLUMNS)
  for (const c of rows)
    csv += csvLine([
      c.clicked_at.toISOString(),
      c.code,
      c.channel,
      c.topics.join('|'),
      c.campaign,
      c.content_id,
      c.kind,
      c.medium,
      c.app,
      c.visibility,
      c.browser,
      c.os,
      c.device,
      c.country,
      c.region,
      c.city,
      c.language,
    ])
  return csv
}
