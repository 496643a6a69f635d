import { describe, expect, it } from 'vitest'
import { createTwoGenerationMemo } from './two-generation-memo.ts'

describe('createTwoGenerationMemo', () => {
  it('returns what was set, and undefined for what was not', () => {
    const memo = createTwoGenerationMemo<string, number>(10)
    memo.set('a', 1)
    expect(memo.get('a')).toBe(1)
    expect(memo.get('b')).toBeUndefined()
  })

  it('never holds more than max entries', () => {
    const memo = createTwoGenerationMemo<number, number>(10)
    for (let i = 0; i < 1_000; i++) memo.set(i, i)
    const held = Array.from({ length: 1_000 }, (_, i) => memo.get(i)).filter((v) => v !== undefined)
    expect(held.length).toBeLessThanOrEqual(10)
    expect(held).toContain(999)
  })

  it('keeps an entry that is still in use while new ones stream past', () => {
    const memo = createTwoGenerationMemo<string, string>(10)
    memo.set('hot', 'kept')
    for (let i = 0; i < 100; i++) {
      memo.set(`cold-${i}`, 'x')
      expect(memo.get('hot')).toBe('kept')
    }
    expect(memo.get('cold-0')).toBeUndefined()
  })
})
