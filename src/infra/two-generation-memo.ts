/**
 * A bounded memo in two generations (the "hashlru" scheme): a hit is one or two Map lookups with no
 * reordering, unlike an LRU's bookkeeping on every get. When the young generation is full it becomes
 * the old one and the previous old one is dropped; an old entry that is hit again moves to the young
 * one, so what is still in use survives. Holds at most `max` entries.
 */
export function createTwoGenerationMemo<K, V>(max: number) {
  const half = Math.max(1, Math.floor(max / 2))
  let young = new Map<K, V>()
  let old = new Map<K, V>()

  function set(key: K, value: V) {
    young.set(key, value)
    if (young.size >= half) {
      old = young
      young = new Map()
    }
  }

  return {
    get(key: K): V | undefined {
      const value = young.get(key)
      if (value !== undefined) return value
      const promoted = old.get(key)
      if (promoted !== undefined) set(key, promoted)
      return promoted
    },
    set,
  }
}
