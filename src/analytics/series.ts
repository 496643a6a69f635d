import type { z } from 'zod'
import { Problem } from '../infra/problem.ts'
import type { StatsQuery } from './analytics-schemas.ts'

/** Rollup rows of a series: a bucket's start (epoch ms), a visibility and its human clicks. */
export type SeriesRow = { t: number; visibility: string; clicks: number }
export type SeriesPoint = { t: string; clicks: number; dark: number; public: number }
export type Interval = 'hour' | 'day'

export const STEP_MS: Record<Interval, number> = { hour: 3_600_000, day: 86_400_000 }
const MAX_HOURLY_RANGE_MS = 3 * 86_400_000
const DEFAULT_RANGE_MS = 30 * 86_400_000
const MAX_BUCKETS = 2_000

/** Hourly buckets for ranges up to three days, daily beyond. */
export function chooseInterval(fromMs: number, toMs: number): Interval {
  return toMs - fromMs <= MAX_HOURLY_RANGE_MS ? 'hour' : 'day'
}

export function floorTo(ms: number, interval: Interval) {
  return Math.floor(ms / STEP_MS[interval]) * STEP_MS[interval]
}

/** Resolves ?from&to&interval into a bounded range; the default is the last 30 days. */
export function parseRange(q: z.infer<typeof StatsQuery>, now = Date.now()) {
  const toMs = q.to ? Date.parse(q.to) : now
  const fromMs = q.from ? Date.parse(q.from) : toMs - DEFAULT_RANGE_MS
  if (fromMs >= toMs) throw Problem.field('from', 'must be before to')
  const interval = q.interval ?? chooseInterval(fromMs, toMs)
  if ((toMs - fromMs) / STEP_MS[interval] > MAX_BUCKETS)
    throw Problem.field(
      'interval',
      `the range has more than ${MAX_BUCKETS} ${interval}s; use a shorter range or interval=day`,
    )
  return { fromMs, toMs, interval }
}

/**
 * A time series with one point per bucket of [fromMs, toMs), zeros included: each row's human clicks go
 * to its bucket, split dark and public. `extra` gives each point more fields, and `addRow` adds a row to
 * them (false: the row is not part of this series).
 */
export function zeroFilledSeries<R extends SeriesRow, X extends object>(
  span: { fromMs: number; toMs: number; interval: Interval },
  rows: readonly R[],
  extra: () => X,
  addRow: (point: SeriesPoint & X, row: R) => boolean = () => true,
): (SeriesPoint & X)[] {
  const step = STEP_MS[span.interval]
  const buckets = new Map<number, SeriesPoint & X>()
  for (let t = floorTo(span.fromMs, span.interval); t < span.toMs; t += step)
    buckets.set(t, { t: new Date(t).toISOString(), clicks: 0, dark: 0, public: 0, ...extra() })
  for (const r of rows) {
    const b = buckets.get(r.t)
    if (!b || !addRow(b, r)) continue
    b.clicks += r.clicks
    if (r.visibility === 'dark') b.dark += r.clicks
    else b.public += r.clicks
  }
  return [...buckets.values()]
}
