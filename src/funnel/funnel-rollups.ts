import type { FunnelEvent } from './funnel-event.ts'

const HOUR_MS = 3_600_000
const hourOf = (at: number) => at - (at % HOUR_MS)

/** A fresh batch's rollups, counted in memory as its events are recorded, upserted from arrays when it is written. */
export function createFunnelRollups() {
  const shares = new Map<string, number>()
  const arrivals = new Map<string, number>()
  return {
    add(e: FunnelEvent) {
      const key =
        e.type === 'share'
          ? `${e.contentId}\t${hourOf(e.at)}\t${e.channel}`
          : `${e.contentId}\t${hourOf(e.at)}\t${e.medium}\t${e.app ?? ''}\t${e.visibility}\t${e.source}\t${e.generation}`
      const counts = e.type === 'share' ? shares : arrivals
      counts.set(key, (counts.get(key) ?? 0) + 1)
    },
    /** Column arrays in key order (two instances upserting the same rows lock them in one order). */
    columns() {
      const split = (m: Map<string, number>) =>
        [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => [...k.split('\t'), n] as const)
      const s = split(shares)
      const a = split(arrivals)
      const iso = (h: string | number) => new Date(Number(h)).toISOString()
      return {
        shares: [s.map((r) => r[0]), s.map((r) => iso(r[1])), s.map((r) => r[2]), s.map((r) => r[3])],
        arrivals: [
          a.map((r) => r[0]),
          a.map((r) => iso(r[1])),
          a.map((r) => r[2]),
          a.map((r) => r[3]),
          a.map((r) => r[4]),
          a.map((r) => r[5]),
          a.map((r) => Number(r[6])),
          a.map((r) => r[7]),
        ],
      }
    },
  }
}

export type FunnelRollups = ReturnType<typeof createFunnelRollups>
