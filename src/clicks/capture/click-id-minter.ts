import type { Pool } from '../../infra/database.ts'

const COUNTER_SPAN = 2 ** 32
// Generations stay below 2^21 so every id is a safe JS integer (< 2^53).
const MAX_GENERATION = 2 ** 21 - 1

/**
 * Mints click ids as generation * 2^32 + counter: unique across processes and restarts (the
 * generation comes from a Postgres sequence), with no UUID work on the hot path.
 */
export async function createClickIdMinter(pool: Pick<Pool, 'query'>) {
  const nextGeneration = async () => {
    const { rows } = await pool.query("select nextval('click_id_generation') as g")
    const g = Number(rows[0].g)
    if (g > MAX_GENERATION)
      throw new Error('click_id_generation exhausted; reset it past the highest click id generation')
    return g
  }
  let base = (await nextGeneration()) * COUNTER_SPAN
  let counter = 0
  let spare: number | null = null

  return {
    next(): number {
      if (counter === COUNTER_SPAN) {
        if (spare === null)
          throw new Error('click id space of this generation is used up and no next generation is ready')
        base = spare * COUNTER_SPAN
        spare = null
        counter = 0
      }
      return base + counter++
    },
    /** Called after each batch write: fetches the next generation once half the span is used, so rollover never waits. */
    async prepare() {
      if (counter >= COUNTER_SPAN / 2 && spare === null) spare = await nextGeneration()
    },
  }
}
