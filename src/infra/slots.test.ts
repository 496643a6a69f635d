import { describe, expect, it } from 'vitest'
import { createSlots } from './slots.ts'

describe('createSlots', () => {
  it('hands out at most size permits, and one more once a permit is released', () => {
    const slots = createSlots(2)
    const a = slots.take()
    const b = slots.take()
    expect(a && b).toBeTruthy()
    expect(slots.take()).toBeNull()
    expect(slots.inUse()).toBe(2)
    a?.release()
    expect(slots.inUse()).toBe(1)
    expect(slots.take()).not.toBeNull()
    expect(slots.take()).toBeNull()
  })

  it('counts a permit released twice once', () => {
    const slots = createSlots(1)
    const a = slots.take()
    a?.release()
    a?.release()
    expect(slots.inUse()).toBe(0)
    expect(slots.take()).not.toBeNull()
    expect(slots.take()).toBeNull()
  })
})
