/**
 * A batch's person clicks cut into runs of at most `runLength`, each as its first and last id and its
 * earliest and latest time (ms): what a batch observer is told instead of every click. Ids are minted in
 * the order clicks are recorded, so a run's id range holds no click of another batch.
 */
export type PersonRuns = {
  readonly firstIds: number[]
  readonly lastIds: number[]
  readonly firstAt: number[]
  readonly lastAt: number[]
  add(id: number, at: number): void
}

export function createPersonRuns(runLength: number): PersonRuns {
  let inRun = runLength
  const runs: PersonRuns = {
    firstIds: [],
    lastIds: [],
    firstAt: [],
    lastAt: [],
    add(id, at) {
      if (inRun === runLength) {
        runs.firstIds.push(id)
        runs.lastIds.push(id)
        runs.firstAt.push(at)
        runs.lastAt.push(at)
        inRun = 1
        return
      }
      const i = runs.lastIds.length - 1
      runs.lastIds[i] = id
      if (at < runs.firstAt[i]) runs.firstAt[i] = at
      if (at > runs.lastAt[i]) runs.lastAt[i] = at
      inRun++
    },
  }
  return runs
}

/** The runs as the observer's SQL takes them: ids as text (bigint), times as ISO text (timestamptz). */
export function runParams(runs: PersonRuns): string[][] {
  const iso = (ms: number) => new Date(ms).toISOString()
  return [runs.firstIds.map(String), runs.lastIds.map(String), runs.firstAt.map(iso), runs.lastAt.map(iso)]
}
