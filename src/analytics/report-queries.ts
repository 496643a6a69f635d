import type { Queryable } from '../infra/pool.ts'
import { sumOverDays } from './day-cache.ts'
import { countGroupUniques } from './group-uniques.ts'
import type { LabelRow } from './link-stats.ts'
import { daysTouched, RANGE_PARAMS, rangeParams, rangeRollupsSql, utcDay } from './rollup-range.ts'

export type ReportRange = { from: Date; to: Date }
/** `domain`: links of one short domain only, as stored ('' for the default domain). */
export type ReportFilter = ReportRange & { topic?: string; campaign?: string; domain?: string }

// Every query here reads rollups, never the raw clicks: click counts from the daily rollups and the hourly
// ones at the range's edges (rollup-range.ts), summed per link before links are joined.
const LINK_LABELS = `select link_id, kind, medium, app, visibility, sum(clicks) as clicks from ${rangeRollupsSql(1)} u group by 1, 2, 3, 4, 5`
const P = RANGE_PARAMS

export type TopicLabelRow = LabelRow & { topic: string }

export async function sumLabelsByTopic(db: Queryable, f: ReportFilter): Promise<TopicLabelRow[]> {
  const { rows } = await db.query(
    `with r as (${LINK_LABELS})
     select t.topic, r.kind, r.medium, r.app, r.visibility, sum(r.clicks)::float8 as clicks
     from r
     join links l on l.id = r.link_id
     cross join lateral unnest(l.topics) as t(topic)
     where ($${P + 1}::text is null or l.campaign = $${P + 1})
       and ($${P + 2}::text is null or l.domain = $${P + 2})
     group by 1, 2, 3, 4, 5`,
    [...rangeParams(f), f.campaign ?? null, f.domain ?? null],
  )
  return rows
}

/**
 * A visitor who opened two links of one topic on one day is one unique of that topic (group-uniques.ts: past
 * days counted once per filter and kept, through `cache`, the primary).
 */
export async function countUniquesByTopic(
  db: Queryable,
  f: ReportFilter,
  cache: Queryable = db,
  now = Date.now(),
): Promise<{ topic: string; uniques: number }[]> {
  const groups = {
    scope: `topics:${JSON.stringify([f.campaign ?? null, f.domain ?? null])}`,
    sql: `select t.topic as key, l.id as link_id from links l cross join lateral unnest(l.topics) as t(topic)
          where ($4::text is null or l.campaign = $4) and ($5::text is null or l.domain = $5)`,
    params: [f.campaign ?? null, f.domain ?? null],
  }
  const rows = await countGroupUniques(db, cache, groups, daysOf(f, now))
  return rows.map((r) => ({ topic: r.key, uniques: r.uniques }))
}

const daysOf = (r: ReportRange, now: number) => {
  const [fromDay, toDay] = daysTouched(r)
  return { fromDay, toDay, today: utcDay(now) }
}

export type ChannelLabelRow = LabelRow & { channel: string }

/** Per declared channel: links minted without a channel are left out. */
export async function sumLabelsByChannel(db: Queryable, f: ReportFilter): Promise<ChannelLabelRow[]> {
  const { rows } = await db.query(
    `with r as (${LINK_LABELS})
     select l.channel, r.kind, r.medium, r.app, r.visibility, sum(r.clicks)::float8 as clicks
     from r
     join links l on l.id = r.link_id
     where l.channel is not null
       and ($${P + 1}::text is null or $${P + 1} = any(l.topics))
       and ($${P + 2}::text is null or l.campaign = $${P + 2})
       and ($${P + 3}::text is null or l.domain = $${P + 3})
     group by 1, 2, 3, 4, 5`,
    [...rangeParams(f), f.topic ?? null, f.campaign ?? null, f.domain ?? null],
  )
  return rows
}

export type ContentRange = ReportRange & { contentId: string }
// The content's links ($1) inside each part of the range's rows: Postgres does not push a join into them.
const CONTENT_LINKS = 'link_id in (select id from links where content_id = $1)'

export async function sumLabelsOfContent(db: Queryable, r: ContentRange): Promise<(LabelRow & { link_id: string })[]> {
  const { rows } = await db.query(
    `select r.link_id, r.kind, r.medium, r.app, r.visibility, sum(r.clicks)::float8 as clicks
     from links l
     join ${rangeRollupsSql(2, CONTENT_LINKS)} r on r.link_id = l.id
     where l.content_id = $1
     group by 1, 2, 3, 4, 5`,
    [r.contentId, ...rangeParams(r)],
  )
  return rows
}

export type ContentSeriesRow = { t: number; link_id: string; visibility: string; clicks: number }

export async function humanSeriesOfContent(
  db: Queryable,
  r: ContentRange,
  interval: 'hour' | 'day',
): Promise<ContentSeriesRow[]> {
  // A daily series from the daily rollups (the edge hours by their day); an hourly one (3 days by default) from the hourly.
  if (interval === 'day') {
    const { rows } = await db.query(
      `select (extract(epoch from r.day::timestamp) * 1000)::float8 as t, r.link_id, r.visibility, sum(r.clicks)::float8 as clicks
       from links l
       join ${rangeRollupsSql(2, `kind = 'human' and ${CONTENT_LINKS}`)} r on r.link_id = l.id
       where l.content_id = $1
       group by 1, 2, 3`,
      [r.contentId, ...rangeParams(r)],
    )
    return rows
  }
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

/** Visitors of any of the content's links, once per day (group-uniques.ts, as for topics). */
export async function countUniquesOfContent(
  db: Queryable,
  r: ContentRange,
  cache: Queryable = db,
  now = Date.now(),
): Promise<number> {
  const groups = {
    scope: `content:${r.contentId}`,
    sql: `select '' as key, id as link_id from links where content_id = $4`,
    params: [r.contentId],
  }
  const rows = await countGroupUniques(db, cache, groups, daysOf(r, now))
  return rows[0]?.uniques ?? 0
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
     join ${rangeRollupsSql(3, `kind in ('human', 'preview') and link_id in (select id from links where code = any($1::text[]))`)} r
       on r.link_id = l.id
     where l.code = any($1::text[])
       and ($2::text is null or l.domain = $2)
     group by 1, 2, 3`,
    [codes, domain ?? null, ...rangeParams(r)],
  )
  return rows
}

/**
 * Human clicks per value of one daily dimension over the links the filter keeps, most first; `prefix`: values
 * under it only. Past days are summed once per filter and kept (day-cache.ts): at 10M clicks over 90 days the
 * city dimension alone has millions of (link, day, city) rows.
 */
async function sumClicksByDimension(
  db: Queryable,
  dimension: 'country' | 'city',
  f: ReportFilter,
  prefix: string | null,
  cache: Queryable,
  now: number,
): Promise<{ value: string; clicks: number }[]> {
  const filter = [f.topic ?? null, f.campaign ?? null, f.domain ?? null, prefix]
  const figures = {
    scope: `${dimension}:${JSON.stringify(filter)}`,
    sql: `select d.day::text as day, d.value as key, sum(d.clicks)::float8 as n
          from click_dimensions_daily d
          join links l on l.id = d.link_id
          where d.dimension = $4 and d.day >= $1::date and d.day <= $2::date and d.day = any($3::date[])
            and ($5::text is null or $5 = any(l.topics))
            and ($6::text is null or l.campaign = $6)
            and ($7::text is null or l.domain = $7)
            and ($8::text is null or d.value like $8 || '/%')
          group by 1, 2`,
    params: [dimension, ...filter],
  }
  const totals = await sumOverDays(db, cache, figures, daysOf(f, now))
  return [...totals]
    .filter(([, clicks]) => clicks > 0)
    .map(([value, clicks]) => ({ value, clicks }))
    .sort((a, b) => b.clicks - a.clicks || Buffer.compare(Buffer.from(a.value), Buffer.from(b.value)))
}

/** Human clicks per visitor country over the links the filter keeps, most first (click_dimensions_daily). */
export async function sumClicksByCountry(
  db: Queryable,
  f: ReportFilter,
  cache: Queryable = db,
  now = Date.now(),
): Promise<{ country: string; clicks: number }[]> {
  const rows = await sumClicksByDimension(db, 'country', f, null, cache, now)
  return rows.map(({ value, clicks }) => ({ country: value, clicks }))
}

/**
 * Human clicks per visitor city (rollup-keys.ts' cityKey: 'FR/IDF/Paris') over the links the filter keeps, most
 * first; optionally in one country only. Only clicks whose city a City database named are counted.
 */
export async function sumClicksByCity(
  db: Queryable,
  f: ReportFilter & { country?: string },
  cache: Queryable = db,
  now = Date.now(),
): Promise<{ place: string; clicks: number }[]> {
  const rows = await sumClicksByDimension(db, 'city', f, f.country ?? null, cache, now)
  return rows.map(({ value, clicks }) => ({ place: value, clicks }))
}
