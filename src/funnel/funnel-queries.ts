import { conversionsWhere } from '../conversions/conversion-queries.ts'
import {
  ARRIVAL_ROLLUPS,
  rangeParams,
  rangeRollupsSql,
  rangeRowsSql,
  SHARE_ROLLUPS,
} from '../analytics/rollup-range.ts'
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

// Every query reads rollups only: whole days from the daily rollups, the range's edge hours from the hourly ones
// (rollup-range.ts).
// The contents in scope, from the parameters numbered content id, topic, campaign, domain.
const contentsIn = (id: number, topic: number, campaign: number, domain: number) => `select id from contents
  where ($${id}::bigint is null or id = $${id}) and ($${topic}::text is null or $${topic} = any(topics))
    and ($${campaign}::text is null or campaign = $${campaign}) and ($${domain}::text is null or domain = $${domain})`
// As $1 … $4, with the range's rollup parameters from $5.
const CONTENTS = contentsIn(1, 2, 3, 4)
const KIT_LINKS = `select l.id, l.channel from links l where l.content_id in (${CONTENTS})`

/** The rollup rows of the funnel of a content, topic or campaign: share actions, previews, clicks of its kit links, arrivals. */
export async function readFunnelInputs(db: Queryable, s: FunnelScope): Promise<FunnelInputs> {
  const params = [s.contentId ?? null, s.topic ?? null, s.campaign ?? null, s.domain ?? null, ...rangeParams(s)]
  const [shares, previews, clicks, arrivals] = await Promise.all([
    db.query<ShareRow>(
      `select channel, sum(shares)::float8 as n from ${rangeRowsSql(SHARE_ROLLUPS, 5, `content_id in (${CONTENTS})`)} s
       group by 1`,
      params,
    ),
    db.query<PreviewRow>(
      `select r.app, l.channel, sum(r.clicks)::float8 as n
       from (${KIT_LINKS}) l join ${rangeRollupsSql(5, `kind = 'preview' and link_id in (select id from (${KIT_LINKS}) k)`)} r
         on r.link_id = l.id group by 1, 2`,
      params,
    ),
    db.query<ClickRow>(
      `select r.medium, r.visibility, sum(r.clicks)::float8 as n
       from (${KIT_LINKS}) l join ${rangeRollupsSql(5, `kind = 'human' and link_id in (select id from (${KIT_LINKS}) k)`)} r
         on r.link_id = l.id group by 1, 2`,
      params,
    ),
    db.query<ArrivalRow>(
      `select medium, app, visibility, source, generation, sum(arrivals)::float8 as n from ${rangeRowsSql(ARRIVAL_ROLLUPS, 5, `content_id in (${CONTENTS})`)} a
       group by 1, 2, 3, 4, 5`,
      params,
    ),
  ])
  return { shares: shares.rows, previews: previews.rows, clicks: clicks.rows, arrivals: arrivals.rows }
}

/** Conversions of the funnel's kit links, reported in its range. */
export function readFunnelConversions(db: Queryable, s: FunnelScope) {
  return conversionsWhere(
    db,
    `l.content_id in (${contentsIn(1, 2, 3, 6)}) and c.created_at >= $4 and c.created_at < $5`,
    [s.contentId ?? null, s.topic ?? null, s.campaign ?? null, s.from, s.to, s.domain ?? null],
  )
}
