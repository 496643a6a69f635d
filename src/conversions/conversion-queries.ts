import { rangeParams, rangeRollupsSql } from '../analytics/rollup-range.ts'
import type { Queryable } from '../infra/pool.ts'
import type { ConversionRow } from './conversion-tally.ts'

export type ClickOfReference = { link_id: string; verdict_id: string; clicked_at: Date }

/** The click a reference names, found among the clicks of its second (the BRIN index narrows it to a few pages). */
export async function findClick(db: Queryable, clickId: string, second: number): Promise<ClickOfReference | null> {
  const { rows } = await db.query(
    `select link_id, verdict_id, clicked_at from clicks
     where clicked_at >= to_timestamp($2) - interval '1 second' and clicked_at < to_timestamp($2) + interval '2 seconds'
       and id = $1
     limit 1`,
    [clickId, second],
  )
  return rows[0] ?? null
}

export type ConversionRecord = {
  id: string
  event: string
  value: string | null
  currency: string | null
  external_id: string | null
  code: string
  channel: string | null
  medium: string | null
  app: string | null
  visibility: string | null
  clicked_at: Date
  created_at: Date
}

const VIEW = `
select c.id, c.event, c.value, c.currency, c.external_id, l.code, l.channel, v.medium, v.app, v.visibility,
       c.clicked_at, c.created_at
from conversions c join links l on l.id = c.link_id join click_verdicts v on v.id = c.verdict_id`

/** Inserts a conversion; with an externalId already recorded, nothing is inserted and `created` is false. */
export async function recordConversion(
  db: Queryable,
  c: {
    clickId: string
    click: ClickOfReference
    event: string
    value: number | null
    currency: string | null
    externalId: string | null
  },
): Promise<{ created: boolean; row: ConversionRecord }> {
  const { rows } = await db.query(
    `with inserted as (
       insert into conversions (click_id, clicked_at, link_id, verdict_id, event, value, currency, external_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (external_id) where external_id is not null do nothing
       returning id
     )
     select id from inserted`,
    [c.clickId, c.click.clicked_at, c.click.link_id, c.click.verdict_id, c.event, c.value, c.currency, c.externalId],
  )
  const created = rows.length === 1
  const where = created ? 'where c.id = $1' : 'where c.external_id = $1'
  const found = await db.query(`${VIEW} ${where}`, [created ? rows[0].id : c.externalId])
  return { created, row: found.rows[0] }
}

const GROUP = `
select c.event, c.currency, v.medium, v.app, v.visibility, l.channel, l.topics,
       count(*)::int as conversions, sum(c.value)::float8 as value
from conversions c join links l on l.id = c.link_id join click_verdicts v on v.id = c.verdict_id`
const GROUP_BY = 'group by c.event, c.currency, v.medium, v.app, v.visibility, l.channel, l.topics'

export async function conversionsOfLink(
  db: Queryable,
  r: { linkId: string; from: Date; to: Date },
): Promise<ConversionRow[]> {
  const { rows } = await db.query(
    `${GROUP} where c.link_id = $1 and c.created_at >= $2 and c.created_at < $3 ${GROUP_BY}`,
    [r.linkId, r.from, r.to],
  )
  return rows
}

/** Conversions grouped by their labels, for a condition of the caller's over `c` (conversions) and `l` (links). */
export async function conversionsWhere(db: Queryable, where: string, params: unknown[]): Promise<ConversionRow[]> {
  const { rows } = await db.query(`${GROUP} where ${where} ${GROUP_BY}`, params)
  return rows
}

export type ConversionFilter = {
  from: Date
  to: Date
  topic?: string
  campaign?: string
  contentId?: string
  /** Links of this stored short domain only. */
  domain?: string
}

export async function conversionsOf(db: Queryable, f: ConversionFilter): Promise<ConversionRow[]> {
  const { rows } = await db.query(
    `${GROUP} where c.created_at >= $1 and c.created_at < $2
       and ($3::text is null or $3 = any(l.topics))
       and ($4::text is null or l.campaign = $4)
       and ($5::bigint is null or l.content_id = $5)
       and ($6::text is null or l.domain = $6)
     ${GROUP_BY}`,
    [f.from, f.to, f.topic ?? null, f.campaign ?? null, f.contentId ?? null, f.domain ?? null],
  )
  return rows
}

/** Human clicks per declared channel, from the rollups (daily, and the edge hours): the denominator of conversion rates. */
export async function humanClicksByChannel(db: Queryable, f: ConversionFilter) {
  const { rows } = await db.query<{ channel: string; clicks: number }>(
    `with r as (select link_id, sum(clicks) as clicks from ${rangeRollupsSql(5, "kind = 'human'")} u group by 1)
     select l.channel, sum(r.clicks)::float8 as clicks
     from r join links l on l.id = r.link_id
     where l.channel is not null
       and ($1::text is null or $1 = any(l.topics))
       and ($2::text is null or l.campaign = $2)
       and ($3::bigint is null or l.content_id = $3)
       and ($4::text is null or l.domain = $4)
     group by 1`,
    [f.topic ?? null, f.campaign ?? null, f.contentId ?? null, f.domain ?? null, ...rangeParams(f)],
  )
  return rows
}
