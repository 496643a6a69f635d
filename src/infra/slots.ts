/** A counted permit for work that holds a scarce resource (a connection) for long: taken, or refused when all are out. */
export type Slots = {
  /** A permit, or null when `size` are already out; its release may be called any number of times. */
  take: () => { release: () => void } | null
  inUse: () => number
  readonly size: number
}

export function createSlots(size: number): Slots {
  let used = 0
  return {
    size,
    inUse: () => used,
    take: () => {
      if (used >= size) return null
      used++
      let released = false
      return {
        release: () => {
          if (released) return
          released = true
          used--
        },
      }
    },
  }
}
