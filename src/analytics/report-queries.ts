import type { Queryable } from '../infra/pool.ts'
import type { LabelRow } from './link-stats.ts'

export type ReportRange = { from: Date; to: Date }
/** `domain`: links of one short domain only, as stored ('' for the default domain). */
export type ReportFilter = ReportRange & { topic?: string; campaign?: string; domain?: string }

const utcDay = (d: Date) => d.toISOString().slice(0, 10)
/** The UTC days a range touches, for the daily tables. */
const dayRange = (r: ReportRange) => [utcDay(r.from), utcDay(new Date(r.to.getTime() - 1))]

// Every query here reads rollups (click_rollups_hourly, link_visitors_daily), never the raw clicks.

export type TopicLabelRow = LabelRow & { topic: string }

export async function sumLabelsByTopic(db: Queryable, f: ReportFilter): Promise<TopicLabelRow[]> {
  const { rows } = await db.query(
    `select t.topic, r.kind, r.medium, r.app, r.visibility, sum(r.clicks)::float8 as clicks
     from click_rollups_hourly r
     join links l on l.id = r.link_id
     cross join lateral unnest(l.topics) as t(topic)
     where r.hour >= date_trunc('hour', $1::timestamptz) and r.hour < $2
       and ($3::text is null or l.campaign = $3)
       and ($4::text is null or l.domain = $4)
     group by 1, 2, 3, 4, 5`,
    [f.from, f.to, f.campaign ?? null, f.domain ?? null],
  )
  return rows
}

/** A visitor who opened two links of one topic on one day is one unique of that topic. */
export async function countUniquesByTopic(
  db: Queryable,
  f: ReportFilter,
): Promise<{ topic: string; uniques: number }[]> {
  const [fromDay, toDay] = dayRange(f)
  const { rows } = await db.query(
    // distinct in a subquery, not count(distinct …): Postgres may hash it rather than sort every row.
    // The range's days are read through the BRIN index on day (migration 036), not the whole table.
    `select topic, count(*)::float8 as uniques
     from (
       select distinct t.topic, v.day, v.visitor
       from link_visitors_daily v
       join links l on l.id = v.link_id
       cross join lateral unnest(l.topics) as t(topic)
       where v.day >= $1::date and v.day <= $2::date
         and ($3::text is null or l.campaign = $3)
         and ($4::text is null or l.domain = $4)
     ) topic_visitors
     group by 1`,
    [fromDay, toDay, f.campaign ?? null, f.domain ?? null],
  )
  return rows
}

export type ChannelLabelRow = LabelRow & { channel: string }

/** Per declared channel: links minted without a channel are left out. */
export async function sumLabelsByChannel(db: Queryable, f: ReportFilter): Promise<ChannelLabelRow[]> {
  const { rows } = await db.query(
    `select l.channel, r.kind, r.medium, r.app, r.visibility, sum(r.clicks)::float8 as clicks
     from click_rollups_hourly r
     join links l on l.id = r.link_id
     where r.hour >= date_trunc('hour', $1::timestamptz) and r.hour < $2
       and l.channel is not null
       and ($3::text is null or $3 = any(l.topics))
       and ($4::text is null or l.campaign = $4)
       and ($5::text is null or l.domain = $5)
     group by 1, 2, 3, 4, 5`,
    [f.from, f.to, f.topic ?? null, f.campaign ?? null, f.domain ?? null],
  )
  return rows
}

export type ContentRange = ReportRange & { contentId: string }

export async function sumLabelsOfContent(db: Queryable, r: ContentRange): Promise<(LabelRow & { link_id: string })[]> {
  const { rows } = await db.query(
    `select r.link_id, r.kind, r.medium, r.app, r.visibility, sum(r.clicks)::float8 as clicks
     from links l
     join click_rollups_hourly r on r.link_id = l.id
     where l.content_id = $1 and r.hour >= date_trunc('hour', $2::timestamptz) and r.hour < $3
     group by 1, 2, 3, 4, 5`,
    [r.contentId, r.from, r.to],
  )
  return rows
}

export type ContentSeriesRow = { t: number; link_id: string; visibility: string; clicks: number }

export async function humanSeriesOfContent(
  db: Queryable,
  r: ContentRange,
  interval: 'hour' | 'day',
): Promise<ContentSeriesRow[]> {
  const { rows } = await db.query(
    `select (extract(epoch from date_trunc($4, r.hour at time zone 'UTC')) * 1000)::float8 as t, r.link_id, r.visibility, sum(r.clicks)::float8 as clicks
     from links l
     join click_rollups_hourly r on r.link_id = l.id
     where l.content_id = $1 and r.kind = 'human' and r.hour >= date_trunc('hour', $2::timestamptz) and r.hour < $3
     group by 1, 2, 3`,
    [r.contentId, r.from, r.to, interval],
  )
  return rows
}

/** Visitors of any of the content's links, once per day. */
export async function countUniquesOfContent(db: Queryable, r: ContentRange): Promise<number> {
  const [fromDay, toDay] = dayRange(r)
  const { rows } = await db.query(
    `select count(distinct (v.day, v.visitor))::float8 as uniques
     from links l
     join link_visitors_daily v on v.link_id = l.id
     where l.content_id = $1 and v.day >= $2::date and v.day <= $3::date`,
    [r.contentId, fromDay, toDay],
  )
  return rows[0].uniques
}

export type LinkTotalsRow = { code: string; kind: string; visibility: string; clicks: number }

/** Human clicks (by visibility) and previews of the links with these codes; codes without clicks have no row. */
/** `domain`: the codes on that stored domain only; undefined: a code's clicks on every domain. */
export async function sumClicksOfCodes(
  db: Queryable,
  codes: string[],
  r: ReportRange,
  domain?: string,
): Promise<LinkTotalsRow[]> {
  const { rows } = await db.query(
    `select l.code, r.kind, coalesce(r.visibility, '') as visibility, sum(r.clicks)::float8 as clicks
     from links l
     join click_rollups_hourly r on r.link_id = l.id
     where l.code = any($1::text[]) and r.kind in ('human', 'preview')
       and r.hour >= date_trunc('hour', $2::timestamptz) and r.hour < $3
       and ($4::text is null or l.domain = $4)
     group by 1, 2, 3`,
    [codes, r.from, r.to, domain ?? null],
  )
  return rows
}

/** Human clicks per value of one daily dimension over the links the filter keeps, most first; `prefix`: values under it only. */
async function sumClicksByDimension(
  db: Queryable,
  dimension: 'country' | 'city',
  f: ReportFilter,
  prefix: string | null,
): Promise<{ value: string; clicks: number }[]> {
  const [fromDay, toDay] = dayRange(f)
  const { rows } = await db.query(
    `select d.value, sum(d.clicks)::float8 as clicks
     from click_dimensions_daily d
     join links l on l.id = d.link_id
     where d.dimension = $6 and d.day >= $1::date and d.day <= $2::date
       and ($3::text is null or $3 = any(l.topics))
       and ($4::text is null or l.campaign = $4)
       and ($5::text is null or l.domain = $5)
       and ($7::text is null or d.value like $7 || '/%')
     group by 1
     having sum(d.clicks) > 0
     order by 2 desc, d.value collate "C"`,
    [fromDay, toDay, f.topic ?? null, f.campaign ?? null, f.domain ?? null, dimension, prefix],
  )
  return rows
}

/** Human clicks per visitor country over the links the filter keeps, most first (click_dimensions_daily). */
export async function sumClicksByCountry(
  db: Queryable,
  f: ReportFilter,
): Promise<{ country: string; clicks: number }[]> {
  const rows = await sumClicksByDimension(db, 'country', f, null)
  return rows.map(({ value, clicks }) => ({ country: value, clicks }))
}

/**
 * Human clicks per visitor city (rollup-keys.ts' cityKey: 'FR/IDF/Paris') over the links the filter keeps, most
 * first; optionally in one country only. Only clicks whose city a City database named are counted.
 */
export async function sumClicksByCity(
  db: Queryable,
  f: ReportFilter & { country?: string },
): Promise<{ place: string; clicks: number }[]> {
  const rows = await sumClicksByDimension(db, 'city', f, f.country ?? null)
  return rows.map(({ value, clicks }) => ({ place: value, clicks }))
}
