import { describe, expect, it } from 'vitest'
import { clientKey } from './rate-limits.ts'

describe('clientKey: what every per-client limit counts by', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::'],
    ['2001:DB8:1:2::9', '2001:db8:1:2::'],
    ['2001:db8:1:3::9', '2001:db8:1:3::'],
    ['::1', '::'],
  ])('%s counts as %s', (address, key) => {
    expect(clientKey(address)).toBe(key)
    expect(clientKey(address)).toBe(key) // the second time from the memo
  })
})
