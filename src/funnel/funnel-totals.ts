import type { z } from 'zod'
import type { ChannelFunnelTotals, TopicFunnelTotals } from '../analytics/analytics-schemas.ts'
import {
  ARRIVAL_ROLLUPS,
  rangeParams,
  rangeRollupsSql,
  rangeRowsSql,
  SHARE_ROLLUPS,
} from '../analytics/rollup-range.ts'
import type { Queryable } from '../infra/pool.ts'

export type TopicFunnel = z.infer<typeof TopicFunnelTotals>
export type ChannelFunnel = z.infer<typeof ChannelFunnelTotals>
export type FunnelFilter = { from: Date; to: Date; topic?: string; campaign?: string; domain?: string }

/** What the funnel queries return per group (a topic or a channel), summed from rollups. */
export type FunnelSums = {
  key: string
  shares: number
  previews: number
  clicks: number
  reshares: number
  arrivals: number
  via_short_link: number
  unattributed: number
}

export const ZERO_TOPIC_FUNNEL: TopicFunnel = {
  shares: 0,
  sharesSeen: 0,
  clicks: 0,
  reshares: 0,
  arrivals: 0,
  viaShortLink: 0,
  unattributed: 0,
  virality: null,
}
export const ZERO_CHANNEL_FUNNEL: ChannelFunnel = { shares: 0, sharesSeen: 0, clicks: 0, virality: null }

/** Per topic: the funnel totals, with virality as GET /reports/funnel computes it. */
export function topicFunnels(rows: FunnelSums[]): Map<string, TopicFunnel> {
  return new Map(
    rows.map((r) => [
      r.key,
      {
        shares: r.shares,
        sharesSeen: r.previews,
        clicks: r.clicks,
        reshares: r.reshares,
        arrivals: r.arrivals,
        viaShortLink: r.via_short_link,
        unattributed: r.unattributed,
        virality: r.shares > 0 ? (r.clicks + r.reshares) / r.shares : null,
      },
    ]),
  )
}

/** Per channel: its button's share actions against its kit links' previews and clicks. */
export function channelFunnels(rows: FunnelSums[]): Map<string, ChannelFunnel> {
  return new Map(
    rows.map((r) => [
      r.key,
      {
        shares: r.shares,
        sharesSeen: r.previews,
        clicks: r.clicks,
        virality: r.shares > 0 ? r.clicks / r.shares : null,
      },
    ]),
  )
}

// The contents of the filter, as $1 (topic), $2 (campaign) and $3 (the kit's short domain); every query reads rollups
// only, whole days from the daily ones and the range's edge hours from the hourly ones ($4 … $9, rollup-range.ts).
const CONTENTS = `select id, topics from contents
  where ($1::text is null or $1 = any(topics)) and ($2::text is null or campaign = $2)
    and ($3::text is null or domain = $3)`
const R = 4

type Part = { key: string; join: string }
// One row per key: share actions, kit-link previews and clicks (summed per link first), and arrivals by source, each
// summed apart.
const sums = (shares: Part, links: Part, arrivals: Part | null) => `
with c as (${CONTENTS}),
s as (select ${shares.key} as key, sum(s.shares)::float8 as shares
      from c join ${rangeRowsSql(SHARE_ROLLUPS, R)} s on s.content_id = c.id ${shares.join} group by 1),
k as (select ${links.key} as key, sum(r.previews)::float8 as previews, sum(r.clicks)::float8 as clicks
      from c join links l on l.content_id = c.id
        join (select link_id, sum(clicks) filter (where kind = 'preview') as previews,
                sum(clicks) filter (where kind = 'human') as clicks
              from ${rangeRollupsSql(R, "kind in ('human', 'preview')")} u group by 1) r on r.link_id = l.id ${links.join}
      group by 1),
a as (${
  arrivals
    ? `select ${arrivals.key} as key,
        sum(a.arrivals) filter (where a.source = 'address_bar')::float8 as reshares,
        sum(a.arrivals)::float8 as arrivals,
        sum(a.arrivals) filter (where a.source = 'via_short_link')::float8 as via_short_link,
        sum(a.arrivals) filter (where a.source = 'unattributed')::float8 as unattributed
      from c join ${rangeRowsSql(ARRIVAL_ROLLUPS, R)} a on a.content_id = c.id ${arrivals.join} group by 1`
    : `select null::text as key, 0::float8 as reshares, 0::float8 as arrivals, 0::float8 as via_short_link,
        0::float8 as unattributed where false`
})
select key, coalesce(s.shares, 0) as shares, coalesce(k.previews, 0) as previews, coalesce(k.clicks, 0) as clicks,
  coalesce(a.reshares, 0) as reshares, coalesce(a.arrivals, 0) as arrivals,
  coalesce(a.via_short_link, 0) as via_short_link, coalesce(a.unattributed, 0) as unattributed
from s full join k using (key) full join a using (key)`

const TOPIC = `cross join lateral unnest(c.topics) as t(topic)`
const BY_TOPIC = sums({ key: 't.topic', join: TOPIC }, { key: 't.topic', join: TOPIC }, { key: 't.topic', join: TOPIC })
// Arrivals belong to a page, not to a channel: the channel rows have none.
const BY_CHANNEL = sums({ key: 's.channel', join: '' }, { key: 'l.channel', join: '' }, null)

export async function sumFunnelByTopic(db: Queryable, f: FunnelFilter): Promise<FunnelSums[]> {
  const { rows } = await db.query(BY_TOPIC, [f.topic ?? null, f.campaign ?? null, f.domain ?? null, ...rangeParams(f)])
  return rows
}

export async function sumFunnelByChannel(db: Queryable, f: FunnelFilter): Promise<FunnelSums[]> {
  const { rows } = await db.query(BY_CHANNEL, [
    f.topic ?? null,
    f.campaign ?? null,
    f.domain ?? null,
    ...rangeParams(f),
  ])
  return rows
}
