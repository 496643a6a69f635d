import { describe, expect, it } from 'vitest'
import { FailureLimiter } from './failure-limiter.ts'

function limiter(max = 3, windowMs = 10_000, capacity = 100) {
  const clock = { ms: 1_000_000 }
  return { l: new FailureLimiter(max, windowMs, capacity, () => clock.ms), clock }
}

describe('FailureLimiter', () => {
  it('answers the failures within the budget, then refuses the client until its window ends', () => {
    const { l, clock } = limiter()
    expect(l.refusal('a')).toBeNull()
    expect([1, 2, 3].map(() => l.count('a').remaining)).toEqual([2, 1, 0])
    expect(l.isBlocked('a')).toBe(true)
    expect(l.refusal('a')).toEqual({ limit: 3, remaining: 0, resetSeconds: 10, exceeded: true })
    expect(l.refusal('b')).toBeNull()
    clock.ms += 9_001
    expect(l.refusal('a')?.resetSeconds).toBe(1)
    clock.ms += 999
    expect(l.isBlocked('a')).toBe(false)
    expect(l.refusal('a')).toBeNull()
    expect(l.blocked.size).toBe(0)
    expect(l.count('a').remaining).toBe(2) // a new window
  })

  it.each([
    ['failures spread over two windows', [0, 6_000, 11_000], false],
    ['failures within one window', [0, 6_000, 9_999], true],
  ])('counts in fixed windows: %s', (_, offsets, blocked) => {
    const { l, clock } = limiter()
    const start = clock.ms
    for (const offset of offsets) {
      clock.ms = start + offset
      l.count('a')
    }
    expect(l.isBlocked('a')).toBe(blocked)
  })

  it('sweeps lapsed blocks, so the fast path sees an empty set again', () => {
    const { l, clock } = limiter(1)
    l.count('a')
    l.count('b')
    expect(l.blocked.size).toBe(2)
    clock.ms += 10_000
    l.sweep()
    expect(l.blocked.size).toBe(0)
  })

  it('holds at most `capacity` blocks, dropping the oldest', () => {
    const { l } = limiter(1, 10_000, 2)
    for (const client of ['a', 'b', 'c']) l.count(client)
    expect([...l.blocked.keys()]).toEqual(['b', 'c'])
  })
})
