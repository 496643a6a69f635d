import type { Queryable } from '../infra/pool.ts'
import { csvLine } from './csv.ts'

export type ClickExportFilter = { from: Date; to: Date; linkId?: string; topic?: string }

/** Where the previous batch ended: (clicked_at as Postgres text, so no microsecond is lost in a JS Date; link_id; id). */
type ExportCursor = { at: string; linkId: string; id: string }

type ExportedClick = {
  at_key: string
  link_id: string
  id: string
  clicked_at: Date
  code: string
  channel: string | null
  topics: string[]
  campaign: string | null
  content_id: string | null
  kind: string
  medium: string | null
  app: string | null
  visibility: string | null
  browser: string | null
  os: string | null
  device: string | null
  country: string | null
  region: string | null
  city: string | null
  language: string | null
}

// Labels only: no visitor hash (its salt must never leave), no IP (never stored), no raw user agent or referrer.
export const CLICK_EXPORT_COLUMNS = [
  'clicked_at',
  'code',
  'channel',
  'topics',
  'campaign',
  'content_id',
  'kind',
  'medium',
  'app',
  'visibility',
  'browser',
  'os',
  'device',
  'country',
  'region',
  'city',
  'language',
] as const

/**
 * One batch in (clicked_at, link_id, id) order after the cursor, among the clicks of [from, to): a keyset
 * walk, so each batch starts where the last one ended. Clicks have a BRIN index, not a btree (it would
 * cost every click's write), so a query reads the blocks of its whole time range: callers keep it short.
 */
async function nextClickBatch(
  db: Queryable,
  f: ClickExportFilter,
  after: ExportCursor | null,
  limit: number,
): Promise<ExportedClick[]> {
  const { rows } = await db.query(
    `select c.clicked_at::text as at_key, c.link_id, c.id, c.clicked_at, l.code, l.channel, l.topics, l.campaign, l.content_id,
            c.kind, c.medium, c.app, c.visibility, c.browser, c.os, c.device, c.country, c.region, c.city, c.language
     from labeled_clicks c
     join links l on l.id = c.link_id
     where c.clicked_at >= $1 and c.clicked_at < $2
       and ($3::bigint is null or c.link_id = $3)
       and ($4::text is null or $4 = any(l.topics))
       and ($5::timestamptz is null or (c.clicked_at, c.link_id, c.id) > ($5::timestamptz, $6::bigint, $7::bigint))
     order by c.clicked_at, c.link_id, c.id
     limit $8`,
    [
      f.from,
      f.to,
      f.linkId ?? null,
      f.topic ?? null,
      after?.at ?? null,
      after?.linkId ?? null,
      after?.id ?? null,
      limit,
    ],
  )
  return rows
}

// Each query reads one window of time from where the last batch ended; the window is sized from the
// clicks the last batch found, to about two batches' worth, so no query scans far beyond what it returns.
const FIRST_WINDOW_MS = 3_600_000
const MIN_WINDOW_MS = 1
const MAX_WINDOW_MS = 7 * 86_400_000

const toCsvLine = (c: ExportedClick) =>
  csvLine([
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

/**
 * The clicks of a range as CSV text, one batch at a time: memory stays at one batch whatever the
 * range, and each batch is a single pool query, so no connection is held between batches while the
 * reader is slow.
 */
export async function* clickCsvChunks(db: Queryable, f: ClickExportFilter, batchSize = 5_000): AsyncGenerator<string> {
  yield csvLine(CLICK_EXPORT_COLUMNS)
  const to = f.to.getTime()
  let at = f.from.getTime()
  let windowMs = FIRST_WINDOW_MS
  let after: ExportCursor | null = null
  while (at < to) {
    const end = Math.min(at + windowMs, to)
    const batch = await nextClickBatch(db, { ...f, from: new Date(at), to: new Date(end) }, after, batchSize)
    if (batch.length) yield batch.map(toCsvLine).join('')
    if (batch.length < batchSize) {
      // The window is done: the next starts at its end, larger if this one held few clicks.
      at = end
      after = null
      windowMs = Math.min(MAX_WINDOW_MS, windowMs * (batch.length < batchSize / 4 ? 4 : 2))
      continue
    }
    // A full batch: go on from its last click, with a window as long as two batches at this density.
    const last = batch[batch.length - 1]
    after = { at: last.at_key, linkId: last.link_id, id: last.id }
    const lastMs = last.clicked_at.getTime()
    windowMs = Math.max(MIN_WINDOW_MS, Math.min(MAX_WINDOW_MS, (lastMs - at) * 2))
    at = lastMs
  }
}
