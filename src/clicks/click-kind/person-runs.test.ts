import { describe, expect, it } from 'vitest'
import { createPersonRuns, runParams } from './person-runs.ts'

type Case = {
  name: string
  runLength: number
  clicks: [id: number, at: number][]
  runs: [number, number, number, number][]
}

// Each run: [first id, last id, earliest time, latest time].
const CASES: Case[] = [
  { name: 'no person click, no run', runLength: 3, clicks: [], runs: [] },
  { name: 'one click', runLength: 3, clicks: [[7, 100]], runs: [[7, 7, 100, 100]] },
  {
    name: 'a full run, then a new one',
    runLength: 2,
    clicks: [
      [1, 10],
      [2, 11],
      [5, 12],
    ],
    runs: [
      [1, 2, 10, 11],
      [5, 5, 12, 12],
    ],
  },
  {
    name: 'a clock stepping back widens the run, not a new one',
    runLength: 3,
    clicks: [
      [1, 50],
      [2, 40],
      [3, 60],
    ],
    runs: [[1, 3, 40, 60]],
  },
  {
    name: 'runs of one',
    runLength: 1,
    clicks: [
      [4, 1],
      [9, 2],
    ],
    runs: [
      [4, 4, 1, 1],
      [9, 9, 2, 2],
    ],
  },
]

describe('person runs', () => {
  it.each(CASES)('$name', ({ runLength, clicks, runs }) => {
    const r = createPersonRuns(runLength)
    for (const [id, at] of clicks) r.add(id, at)
    expect(r.firstIds.map((id, i) => [id, r.lastIds[i], r.firstAt[i], r.lastAt[i]])).toEqual(runs)
  })

  it('hands ids as bigint text and times as ISO text', () => {
    const r = createPersonRuns(2)
    r.add(2 ** 40 + 1, Date.parse('2026-11-29T10:15:00.123Z'))
    expect(runParams(r)).toEqual([
      ['1099511627777'],
      ['1099511627777'],
      ['2026-11-29T10:15:00.123Z'],
      ['2026-11-29T10:15:00.123Z'],
    ])
  })
})
