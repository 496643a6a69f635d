import { DAY_MS, HOUR_MS } from '../clicks/rollups/rollup-keys.ts'

/**
 * The hours a range of the hourly rollups covers, as whole UTC days (read from click_rollups_daily) and the
 * hours before the first and after the last of them (read from click_rollups_hourly). The hours are those a
 * query `hour >= date_trunc('hour', from) and hour < to` reads: from the hour `from` falls in to the hour
 * `to` falls in, that one included unless `to` is on the hour. Without a whole day in it, a range is all hours.
 */
export type RangeSplit = {
  /** Whole days [from, to) as 'YYYY-MM-DD', or null. */
  days: { from: string; to: string } | null
  /** Hours [from, to) before and after the days (epoch ms); an empty one has from = to. */
  hours: [{ from: number; to: number }, { from: number; to: number }]
}

const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step
const ceilTo = (ms: number, step: number) => Math.ceil(ms / step) * step
/** The UTC day an instant falls in, as 'YYYY-MM-DD' (the daily tables' `day`). */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
/** The first and last UTC days a range [from, to) touches. */
export const daysTouched = (r: { from: Date; to: Date }) => [utcDay(r.from.getTime()), utcDay(r.to.getTime() - 1)]

export function splitRange(fromMs: number, toMs: number): RangeSplit {
  const first = floorTo(fromMs, HOUR_MS)
  const end = Math.max(first, ceilTo(toMs, HOUR_MS))
  const dayFrom = ceilTo(first, DAY_MS)
  const dayTo = floorTo(end, DAY_MS)
  if (dayFrom >= dayTo)
    return {
      days: null,
      hours: [
        { from: first, to: end },
        { from: end, to: end },
      ],
    }
  return {
    days: { from: utcDay(dayFrom), to: utcDay(dayTo) },
    hours: [
      { from: first, to: dayFrom },
      { from: dayTo, to: end },
    ],
  }
}

/** The parameters rangeRollupsSql(n) reads as $n … $n+5. */
export function rangeParams(range: { from: Date; to: Date }): unknown[] {
  const { days, hours } = splitRange(range.from.getTime(), range.to.getTime())
  const at = (ms: number) => new Date(ms)
  return [days?.from ?? null, days?.to ?? null, at(hours[0].from), at(hours[0].to), at(hours[1].from), at(hours[1].to)]
}
export const RANGE_PARAMS = 6

/** A rollup kept hourly and by UTC day (migration 046): its two tables and the columns reports read. */
export type RollupTables = { hourly: string; daily: string; columns: string }
export const CLICK_ROLLUPS: RollupTables = {
  hourly: 'click_rollups_hourly',
  daily: 'click_rollups_daily',
  columns: 'link_id, kind, medium, app, visibility, clicks',
}
export const SHARE_ROLLUPS: RollupTables = {
  hourly: 'share_rollups_hourly',
  daily: 'share_rollups_daily',
  columns: 'content_id, channel, shares',
}
export const ARRIVAL_ROLLUPS: RollupTables = {
  hourly: 'arrival_rollups_hourly',
  daily: 'arrival_rollups_daily',
  columns: 'content_id, medium, app, visibility, source, generation, arrivals',
}

/**
 * The rows of a rollup over a range as one row set (its columns, and `day`: the row's UTC day), its parameters
 * ($first … $first+5) from rangeParams: whole days from the daily table, the edge hours from the hourly one.
 * `where`: a further condition on both (columns unqualified).
 */
export function rangeRowsSql(tables: RollupTables, first: number, where = 'true'): string {
  const p = (i: number) => `$${first + i}`
  return `(
    select ${tables.columns}, day from ${tables.daily}
    where day >= ${p(0)}::date and day < ${p(1)}::date and ${where}
    union all
    select ${tables.columns}, (hour at time zone 'UTC')::date as day from ${tables.hourly}
    where ((hour >= ${p(2)}::timestamptz and hour < ${p(3)}::timestamptz)
        or (hour >= ${p(4)}::timestamptz and hour < ${p(5)}::timestamptz)) and ${where}
  )`
}

/** The click rollup rows of a range (link_id, kind, medium, app, visibility, clicks, day): rangeRowsSql. */
export const rangeRollupsSql = (first: number, where = 'true') => rangeRowsSql(CLICK_ROLLUPS, first, where)
