import type { ClickRecord } from '../click-record.ts'

/**
 * The one table of what clicks are rolled up by. The in-memory counting of a fresh batch
 * (batch-rollups.ts), the batch SQL of a careful one (write-click-batch.ts) and reclassification's deltas
 * (reclassify-clicks.ts) are all derived from it (rollup-sql.ts), and rollups-agree.test.ts checks that
 * JS and SQL count alike. A new label column goes here, in a migration, and in click_verdicts.
 */
export const ROLLUPS = {
  /** click_rollups_hourly (link_id, hour, …labels) → clicks: every click; a missing label is stored as ''. */
  hourly: { table: 'click_rollups_hourly', labels: ['kind', 'medium', 'app', 'visibility'], missing: '' },
  /** click_rollups_daily (link_id, day, …the hourly labels) → clicks: the hourly rows summed by UTC day, written with them. */
  daily: { table: 'click_rollups_daily' },
  /** click_days (day) → clicks: clicks written per UTC day, the stamp of cached report figures (HEAD and prefetch left out). */
  days: { table: 'click_days' },
  /** click_dimensions_daily (link_id, day, dimension, value) → clicks: clicks of people only; a missing value is 'unknown'. */
  dimensions: { table: 'click_dimensions_daily', names: ['browser', 'os', 'device'], missing: 'unknown' },
  /**
   * More click_dimensions_daily dimensions, whose value is a column of the click row itself rather than of its
   * verdict (as text): clicks of people only. `country`: where the visitor was ('unknown' when not known).
   * `rule`: which of its link's rules answered (1 for the first, 0 for none: the link's url); a click of a
   * link without rules adds no row (its missing value is null). `city`: the place as cityKey below writes it
   * ("FR/IDF/Paris"), from the row's country, region and city; a click without a city adds no row.
   */
  clickDimensions: ['country', 'rule', 'city'],
  clickMissing: { country: 'unknown', rule: null, city: null },
  /** The click row's columns the click dimensions are read from. */
  clickColumns: ['country', 'rule', 'region', 'city'],
  /** link_visitors_daily (link_id, day, visitor): people with a visitor hash. */
  visitors: { table: 'link_visitors_daily' },
  /** The kind of click that counts in dimensions and visitors. */
  person: 'human',
} as const

export type HourlyLabel = (typeof ROLLUPS.hourly.labels)[number]
export type Dimension = (typeof ROLLUPS.dimensions.names)[number]
export type ClickDimension = (typeof ROLLUPS.clickDimensions)[number]

/** Every label a verdict carries that rollups count by. */
export const LABEL_FIELDS: readonly (HourlyLabel | Dimension)[] = [
  ...ROLLUPS.hourly.labels,
  ...ROLLUPS.dimensions.names,
]

/** The label fields of a click that rollups count by; the classifier hands out one frozen object per verdict. */
export type RollupLabel = Pick<ClickRecord, HourlyLabel | Dimension>

/** The click's own dimension values (ROLLUPS.clickDimensions). */
export type ClickDimensionValues = { country: string | null; rule: number | null; city: string | null }

/**
 * The city dimension's value: country, region and city joined by '/' ("FR/IDF/Paris", "SG//Singapore" without
 * a region), so one city name in two countries or regions stays two places; split it at the first two '/' (a
 * city's name may hold one). rollup-sql.ts's clickValueSql says the same in SQL.
 */
export const cityKey = (country: string | null, region: string | null, city: string | null): string | null =>
  country === null || city === null ? null : `${country}/${region ?? ''}/${city}`

/** A verdict's label with the click's own dimensions: one object per (label, country, rule, city) in a batch. */
export type PlacedLabel = RollupLabel & { readonly [D in ClickDimension]: ClickDimensionValues[D] }

export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000

/** The hour and the UTC day of a time (epoch ms), as rollups bucket it; hourSql and daySql say the same in SQL. */
export const hourOf = (at: number) => at - (at % HOUR_MS)
export const dayOf = (at: number) => at - (at % DAY_MS)
