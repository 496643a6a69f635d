import { ROLLUPS } from './rollup-keys.ts'

// SQL fragments of the rollup keys in rollup-keys.ts, for the statements that write rollups.
const { hourly, dimensions, clickDimensions, clickMissing, person } = ROLLUPS

/** A click dimension's value from the click's columns (`p` e.g. 'c.'), as text; cityKey in rollup-keys.ts for city. */
const clickValueSql = (d: (typeof clickDimensions)[number], p: string) =>
  d === 'city' ? `(${p}country || '/' || coalesce(${p}region, '') || '/' || ${p}city)` : `${p}${d}::text`

/** The hour and UTC day of a timestamptz expression, as hourOf and dayOf bucket epoch ms. */
export const hourSql = (t: string) => `date_trunc('hour', ${t})`
export const daySql = (t: string) => `(${t} at time zone 'UTC')::date`

/** click_rollups_hourly's key columns, in primary-key order. */
export const HOURLY_KEY = ['link_id', 'hour', ...hourly.labels].join(', ')
/** Adds to an hourly row (the target aliased `r`). */
export const HOURLY_UPSERT = `on conflict (${HOURLY_KEY}) do update set clicks = r.clicks + excluded.clicks`
/** The hourly labels of a row whose label columns are named as in click_verdicts (`prefix` e.g. 'v.'), stored form. */
export const hourlyLabelsSql = (prefix = '') => hourly.labels.map((l) => `coalesce(${prefix}${l}, '${hourly.missing}')`)
/** Positional unnest parameters for rows of the hourly key and their clicks, from $1. */
export const HOURLY_UNNEST = `unnest($1::bigint[], $2::timestamptz[], ${hourly.labels.map((_, i) => `$${i + 3}::text[]`).join(', ')}, $${hourly.labels.length + 3}::bigint[])`
export const HOURLY_PARAMS = hourly.labels.length + 3

/** click_rollups_daily's key columns, in primary-key order: the hourly key by day. */
export const DAILY_KEY = ['link_id', 'day', ...hourly.labels].join(', ')
/** Adds to a daily row (the target aliased `r`). */
export const DAILY_UPSERT = `on conflict (${DAILY_KEY}) do update set clicks = r.clicks + excluded.clicks`
/**
 * The daily rows of hourly rows: an insert into click_rollups_daily summing `source` (a CTE or table with the
 * hourly key's columns and clicks) by UTC day, in key order so concurrent writers lock rows in one order.
 */
export const dailyFromHourlySql = (source: string) => `
  insert into ${ROLLUPS.daily.table} as r (${DAILY_KEY}, clicks)
  select link_id, ${daySql('hour')}, ${hourly.labels.join(', ')}, sum(clicks)
  from ${source}
  group by ${positions(2 + hourly.labels.length)}
  having sum(clicks) <> 0
  order by ${positions(2 + hourly.labels.length)}
  ${DAILY_UPSERT}`

/** Adds the clicks of hourly rows (`source`, as for dailyFromHourlySql) to their days' click_days rows. */
export const clickDaysFromHourlySql = (source: string) => `
  insert into ${ROLLUPS.days.table} as d (day, clicks)
  select ${daySql('hour')}, sum(clicks) from ${source} group by 1 order by 1
  on conflict (day) do update set clicks = d.clicks + excluded.clicks`

/** click_dimensions_daily's key columns, in primary-key order. */
export const DIMENSIONS_KEY = 'link_id, day, dimension, value'
/** Adds to a dimensions row (the target aliased `d`). */
export const DIMENSIONS_UPSERT = `on conflict (${DIMENSIONS_KEY}) do update set clicks = d.clicks + excluded.clicks`
/**
 * One row per dimension of a row with label columns (`prefix` e.g. 'v.') and click columns (`clickPrefix`, e.g.
 * 'c.'): `dim.name`, and `DIMENSION_VALUE_SQL` its stored value (missing values as rollup-keys.ts says); a click
 * dimension whose missing value is null gives a null value, which DIMENSION_PRESENT_SQL leaves out.
 */
export const dimensionRowsSql = (prefix = '', clickPrefix = prefix) =>
  `lateral (values ${[
    ...dimensions.names.map((d) => `('${d}', coalesce(${prefix}${d}, '${dimensions.missing}'))`),
    ...clickDimensions.map((d) => {
      const missing = clickMissing[d]
      const value = clickValueSql(d, clickPrefix)
      return missing === null ? `('${d}', ${value})` : `('${d}', coalesce(${value}, '${missing}'))`
    }),
  ].join(', ')}) as dim(name, value)`
export const DIMENSION_VALUE_SQL = 'dim.value'
export const DIMENSION_PRESENT_SQL = 'dim.value is not null'

/** Whether a row with a `kind` column (`prefix` e.g. 'v.') counts in dimensions and visitors. */
export const isPersonSql = (prefix = '') => `${prefix}kind = '${person}'`

/** 1, 2, …, n: for group by and order by. */
export const positions = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(', ')
