import { describe, expect, it } from 'vitest'
import { splitRange } from './rollup-range.ts'

const at = (iso: string) => Date.parse(iso)
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16)

// [range from, range to) → whole days [from, to) (or none), then the hours before and after them ('' when empty).
const CASES: [string, string, string, string | null, string, string][] = [
  // whole days only
  ['2025-03-03T00:00', '2025-03-06T00:00', 'midnight to midnight', '2025-03-03..2025-03-06', '', ''],
  // partial first and last days: the hours around the whole days
  [
    '2025-03-03T05:00',
    '2025-03-06T17:00',
    'hours on both sides',
    '2025-03-04..2025-03-06',
    '2025-03-03T05:00..2025-03-04T00:00',
    '2025-03-06T00:00..2025-03-06T17:00',
  ],
  // from inside an hour: that hour counts whole, as `hour >= date_trunc('hour', from)` reads it
  [
    '2025-03-03T05:30',
    '2025-03-05T00:00',
    'from mid-hour',
    '2025-03-04..2025-03-05',
    '2025-03-03T05:00..2025-03-04T00:00',
    '',
  ],
  // to inside an hour: that hour counts whole, as `hour < to` reads it
  [
    '2025-03-03T00:00',
    '2025-03-04T10:15',
    'to mid-hour',
    '2025-03-03..2025-03-04',
    '',
    '2025-03-04T00:00..2025-03-04T11:00',
  ],
  // within one day: hours only
  ['2025-03-03T05:00', '2025-03-03T09:00', 'inside a day', null, '2025-03-03T05:00..2025-03-03T09:00', ''],
  // to inside the day's last hour: that hour counts whole, so the day is whole
  ['2025-03-03T00:00', '2025-03-03T23:59', 'all but the last minute', '2025-03-03..2025-03-04', '', ''],
  // across one midnight without a whole day in between
  ['2025-03-03T20:00', '2025-03-04T04:00', 'across midnight', null, '2025-03-03T20:00..2025-03-04T04:00', ''],
  // exactly one day, however it is reached
  ['2025-03-03T00:00', '2025-03-04T00:00', 'one whole day', '2025-03-03..2025-03-04', '', ''],
  [
    '2025-03-02T23:59',
    '2025-03-04T00:00',
    'a minute before it',
    '2025-03-03..2025-03-04',
    '2025-03-02T23:00..2025-03-03T00:00',
    '',
  ],
  [
    '2025-03-03T00:00',
    '2025-03-04T00:01',
    'a minute after it',
    '2025-03-03..2025-03-04',
    '',
    '2025-03-04T00:00..2025-03-04T01:00',
  ],
  // a 90-day report from now
  [
    '2025-01-01T13:42',
    '2025-04-01T13:42',
    '90 days from a time of day',
    '2025-01-02..2025-04-01',
    '2025-01-01T13:00..2025-01-02T00:00',
    '2025-04-01T00:00..2025-04-01T14:00',
  ],
  // a month boundary and a leap day
  [
    '2024-02-28T12:00',
    '2024-03-01T12:00',
    'over a leap day',
    '2024-02-29..2024-03-01',
    '2024-02-28T12:00..2024-02-29T00:00',
    '2024-03-01T00:00..2024-03-01T12:00',
  ],
]

describe('splitRange', () => {
  it.each(CASES)('%s → %s (%s)', (from, to, _what, days, before, after) => {
    const split = splitRange(at(`${from}Z`), at(`${to}Z`))
    const hours = (h: { from: number; to: number }) => (h.from === h.to ? '' : `${iso(h.from)}..${iso(h.to)}`)
    expect({
      days: split.days && `${split.days.from}..${split.days.to}`,
      before: hours(split.hours[0]),
      after: hours(split.hours[1]),
    }).toEqual({ days, before, after })
  })

  it('covers every hour of the range once, as the hourly query would read it', () => {
    const HOUR = 3_600_000
    for (let fromH = 0; fromH < 60; fromH += 7)
      for (let len = 1; len < 80; len += 5) {
        const fromMs = at('2025-03-03T00:00Z') + fromH * HOUR + 17 * 60_000
        const toMs = fromMs + len * HOUR - 3 * 60_000
        const { days, hours } = splitRange(fromMs, toMs)
        const covered: number[] = []
        for (const h of hours) for (let t = h.from; t < h.to; t += HOUR) covered.push(t)
        if (days) for (let t = at(`${days.from}Z`); t < at(`${days.to}Z`); t += HOUR) covered.push(t)
        const expected: number[] = []
        for (let t = Math.floor(fromMs / HOUR) * HOUR; t < toMs; t += HOUR) expected.push(t)
        expect(covered.sort((a, b) => a - b)).toEqual(expected)
      }
  })
})
