import { conversionsWhere } from '../conversions/conversion-queries.ts'
import type { Queryable } from '../infra/pool.ts'
import type { ArrivalRow, ClickRow, FunnelInputs, PreviewRow, ShareRow } from './funnel-report.ts'

/** Exactly one of content, topic or campaign, and a time range. */
export type FunnelScope = {
  contentId?: string
  topic?: string
  campaign?: string
  /** The kits made on this stored short domain only. */
  domain?: string
  from: Date
  to: Date
}

// Every query reads rollups only. The contents in scope, as $1 (content id), $2 (topic), $3 (campaign), $6 (domain).
const CONTENTS = `select id from contents
  where ($1::bigint is null or id = $1) and ($2::text is null or $2 = any(topics)) and ($3::text is null or campaign = $3)
    and ($6::text is null or domain = $6)`
const HOURS = `hour >= date_trunc('hour', $4::timestamptz) and hour < $5`

/** The rollup rows of the funnel of a content, topic or campaign: share actions, previews, clicks of its kit links, arrivals. */
export async function readFunnelInputs(db: Queryable, s: FunnelScope): Promise<FunnelInputs> {
  const params = [s.contentId ?? null, s.topic ?? null, s.campaign ?? null, s.from, s.to, s.domain ?? null]
  const [shares, previews, clicks, arrivals] = await Promise.all([
    db.query<ShareRow>(
      `select channel, sum(shares)::float8 as n from share_rollups_hourly
       where content_id in (${CONTENTS}) and ${HOURS} group by 1`,
      params,
    ),
    db.query<PreviewRow>(
      `select r.app, l.channel, sum(r.clicks)::float8 as n
       from links l join click_rollups_hourly r on r.link_id = l.id
       where l.content_id in (${CONTENTS}) and r.kind = 'preview' and r.${HOURS} group by 1, 2`,
      params,
    ),
    db.query<ClickRow>(
      `select r.medium, r.visibility, sum(r.clicks)::float8 as n
       from links l join click_rollups_hourly r on r.link_id = l.id
       where l.content_id in (${CONTENTS}) and r.kind = 'human' and r.${HOURS} group by 1, 2`,
      params,
    ),
    db.query<ArrivalRow>(
      `select medium, app, visibility, source, generation, sum(arrivals)::float8 as n from arrival_rollups_hourly
       where content_id in (${CONTENTS}) and ${HOURS} group by 1, 2, 3, 4, 5`,
      params,
    ),
  ])
  return { shares: shares.rows, previews: previews.rows, clicks: clicks.rows, arrivals: arrivals.rows }
}

/** Conversions of the funnel's kit links, reported in its range. */
export function readFunnelConversions(db: Queryable, s: FunnelScope) {
  return conversionsWhere(db, `l.content_id in (${CONTENTS}) and c.created_at >= $4 and c.created_at < $5`, [
    s.contentId ?? null,
    s.topic ?? null,
    s.campaign ?? null,
    s.from,
    s.to,
    s.domain ?? null,
  ])
}
