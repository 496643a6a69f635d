import type { DescribedClassification } from '../classify/classification.ts'

/** A stored click as reclassification reads it. */
export type StoredClick = {
  id: string
  link_id: string
  clicked_at: Date
  kind: string
  medium: string | null
  app: string | null
  visibility: string | null
  browser: string | null
  os: string | null
  device: string | null
  visitor: string | null
  user_agent: string | null
  referrer: string | null
  requested_with: string | null
}

export type LabelChange = { click: StoredClick; next: DescribedClassification }

const LABELS = ['kind', 'medium', 'app', 'visibility', 'browser', 'os', 'device'] as const

/** The clicks whose labels the current rules would set differently; unchanged clicks are left alone. */
export function findLabelChanges(clicks: readonly StoredClick[], classify: (c: StoredClick) => DescribedClassification): LabelChange[] {
  const changes: LabelChange[] = []
  for (const click of clicks) {
    const next = classify(click)
    if (LABELS.some((k) => (click[k] ?? null) !== (next[k] ?? null))) changes.push({ click, next })
  }
  return changes
}

type RollupKey = { link_id: string; hour: string; kind: string; medium: string; app: string; visibility: string }
type DimensionKey = { link_id: string; day: string; dimension: string; value: string }

const HOUR_MS = 3_600_000
const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / HOUR_MS) * HOUR_MS).toISOString()
const dayOf = (d: Date) => d.toISOString().slice(0, 10)

/**
 * The rollup corrections a set of label changes implies: -1 under the old labels, +1 under the new,
 * summed per key. Applied as deltas, they stay right while the live writer keeps adding clicks.
 */
export function rollupDeltas(changes: readonly LabelChange[]) {
  const hourly = new Map<string, RollupKey & { delta: number }>()
  const dimensions = new Map<string, DimensionKey & { delta: number }>()
  const addHourly = (k: RollupKey, delta: number) => {
    const id = `${k.link_id}|${k.hour}|${k.kind}|${k.medium}|${k.app}|${k.visibility}`
    const row = hourly.get(id) ?? { ...k, delta: 0 }
    row.delta += delta
    hourly.set(id, row)
  }
  const addDimension = (k: DimensionKey, delta: number) => {
    const id = `${k.link_id}|${k.day}|${k.dimension}|${k.value}`
    const row = dimensions.get(id) ?? { ...k, delta: 0 }
    row.delta += delta
    dimensions.set(id, row)
  }
  for (const { click, next } of changes) {
    const hour = hourOf(click.clicked_at)
    const day = dayOf(click.clicked_at)
    addHourly({ link_id: click.link_id, hour, kind: click.kind, medium: click.medium ?? '', app: click.app ?? '', visibility: click.visibility ?? '' }, -1)
    addHourly({ link_id: click.link_id, hour, kind: next.kind, medium: next.medium ?? '', app: next.app ?? '', visibility: next.visibility ?? '' }, +1)
    if (click.kind === 'human')
      for (const dimension of ['browser', 'os', 'device'] as const)
        addDimension({ link_id: click.link_id, day, dimension, value: click[dimension] ?? 'unknown' }, -1)
    if (next.kind === 'human')
      for (const dimension of ['browser', 'os', 'device'] as const)
        addDimension({ link_id: click.link_id, day, dimension, value: next[dimension] ?? 'unknown' }, +1)
  }
  return {
    hourly: [...hourly.values()].filter((r) => r.delta !== 0),
    dimensions: [...dimensions.values()].filter((r) => r.delta !== 0),
  }
}
