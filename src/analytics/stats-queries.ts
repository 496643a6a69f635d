import type { Queryable } from '../infra/pool.ts'
import type { DimensionRow, Interval, LabelRow, SeriesRow } from './link-stats.ts'
import { daysTouched } from './rollup-range.ts'

type Range = { linkId: string; from: Date; to: Date }

// Rollups only: the raw clicks table is never read for stats.
export async function sumLabels(db: Queryable, r: Range): Promise<LabelRow[]> {
  const { rows } = await db.query(
    `select kind, medium, app, visibility, sum(clicks)::float8 as clicks
     from click_rollups_hourly
     where link_id = $1 and hour >= date_trunc('hour', $2::timestamptz) and hour < $3
     group by 1, 2, 3, 4`,
    [r.linkId, r.from, r.to],
  )
  return rows
}

export async function humanSeries(db: Queryable, r: Range, interval: Interval): Promise<SeriesRow[]> {
  const { rows } = await db.query(
    `select (extract(epoch from date_trunc($4, hour at time zone 'UTC')) * 1000)::float8 as t, visibility, sum(clicks)::float8 as clicks
     from click_rollups_hourly
     where link_id = $1 and kind = 'human' and hour >= date_trunc('hour', $2::timestamptz) and hour < $3
     group by 1, 2`,
    [r.linkId, r.from, r.to, interval],
  )
  return rows
}

export async function sumDimensions(db: Queryable, r: Range): Promise<DimensionRow[]> {
  const { rows } = await db.query(
    `select dimension, value, sum(clicks)::float8 as clicks
     from click_dimensions_daily
     where link_id = $1 and day >= $2::date and day <= $3::date
     group by 1, 2`,
    [r.linkId, ...daysTouched(r)],
  )
  return rows
}

/** Daily uniques summed (kept by triggers, migration 009): salts rotate daily, so a visitor on two days counts twice, by design. */
export async function countUniques(db: Queryable, r: Range): Promise<number> {
  const { rows } = await db.query(
    `select coalesce(sum(visitors), 0)::float8 as n from link_uniques_daily where link_id = $1 and day >= $2::date and day <= $3::date`,
    [r.linkId, ...daysTouched(r)],
  )
  return rows[0].n
}
