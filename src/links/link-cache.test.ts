import { describe, expect, it } from 'vitest'
import { createLinkCache, type ResolvedLink } from './link-cache.ts'

const link = (id: string, url = `https://example.com/${id}`): ResolvedLink => ({
  id,
  numericId: Number(id),
  url,
  expiresAtMs: null,
  disabled: false,
  routing: null,
})
const settle = () => new Promise((r) => setImmediate(r))

/** A cache over a stand-in database whose answers the test controls. */
function cacheOver(db: Map<string, ResolvedLink>, o: { ttlMs?: number; size?: number } = {}) {
  const calls: string[] = []
  let failing = false
  let gate: Promise<void> | null = null
  const cache = createLinkCache({
    size: o.size ?? 100,
    ttlMs: o.ttlMs ?? 60_000,
    load: async (code) => {
      calls.push(code)
      if (gate) await gate
      if (failing) throw new Error('database down')
      return db.get(code) ?? null
    },
  })
  return {
    cache,
    calls,
    fail: (on: boolean) => (failing = on),
    hold: () => {
      let release!: () => void
      gate = new Promise((r) => {
        release = r
      })
      return () => {
        gate = null
        release()
      }
    },
  }
}

describe('the link cache', () => {
  it('answers from memory after one load, unknown codes included', async () => {
    const t = cacheOver(new Map([['a', link('1')]]))
    expect(t.cache.peek('a')).toBeUndefined()
    expect(await t.cache.resolve('a')).toEqual(link('1'))
    expect(await t.cache.resolve('nope')).toBeNull()
    expect(t.cache.peek('a')).toEqual(link('1'))
    expect(t.cache.peek('nope')).toBeNull()
    expect(t.calls).toEqual(['a', 'nope'])
    expect(t.cache.stats()).toMatchObject({ hits: 2, misses: 1, size: 2 })
  })

  it('shares one load between concurrent misses', async () => {
    const t = cacheOver(new Map([['a', link('1')]]))
    const [x, y] = await Promise.all([t.cache.resolve('a'), t.cache.resolve('a')])
    expect(x).toEqual(y)
    expect(t.calls).toEqual(['a'])
  })

  it('keeps serving an expired answer while loading it again, and through a database outage', async () => {
    const db = new Map([['a', link('1', 'https://example.com/old')]])
    const t = cacheOver(db, { ttlMs: 1 })
    await t.cache.resolve('a')
    await new Promise((r) => setTimeout(r, 5))
    t.fail(true)
    expect(t.cache.peek('a')?.url).toBe('https://example.com/old') // expired: served, reload started
    await settle()
    expect(t.cache.peek('a')?.url).toBe('https://example.com/old') // reload failed: still served
    t.fail(false)
    db.set('a', link('1', 'https://example.com/new'))
    expect(await t.cache.resolve('a')).toMatchObject({ url: 'https://example.com/new' })
  })

  it('throws when a code it never saw cannot be loaded (503, not 404)', async () => {
    const t = cacheOver(new Map())
    t.fail(true)
    await expect(t.cache.resolve('a')).rejects.toThrow('database down')
    expect(t.cache.peek('a')).toBeUndefined()
  })

  it('does not keep an answer loaded before the link changed', async () => {
    const db = new Map([['a', link('1', 'https://example.com/before')]])
    const t = cacheOver(db)
    const release = t.hold()
    const loading = t.cache.resolve('a')
    db.set('a', link('1', 'https://example.com/after'))
    t.cache.invalidate('a') // the change is announced while the old row is on its way
    release()
    await loading
    expect(t.cache.peek('a')).toBeUndefined()
    expect(await t.cache.resolve('a')).toMatchObject({ url: 'https://example.com/after' })
  })

  it('stays within its size, dropping the oldest load first', async () => {
    const t = cacheOver(new Map(), { size: 2 })
    for (const code of ['a', 'b', 'c']) await t.cache.resolve(code)
    expect(t.cache.stats().size).toBe(2)
    expect(t.cache.peek('a')).toBeUndefined()
    expect(t.cache.peek('c')).toBeNull()
  })

  it("carries a limited link's human clicks over a reload, which reads a stored total that lags behind", async () => {
    let stored = 0
    const cache = createLinkCache({
      size: 10,
      ttlMs: 60_000,
      // A fresh object per load, as from Postgres: the stored total, counted on by capture.
      load: async () => ({
        ...link('1'),
        routing: {
          rules: [],
          deepLinks: null,
          inAppEscape: false,
          passwordHash: null,
          maxClicks: 5,
          humanClicks: stored,
          fallbackUrl: null,
        },
      }),
    })
    const first = await cache.resolve('a')
    if (!first?.routing) throw new Error('no routing')
    first.routing.humanClicks += 3 // captured here, not yet in the rollups
    cache.invalidate('a')
    expect((await cache.resolve('a'))?.routing?.humanClicks).toBe(3)
    stored = 4 // the rollups caught up, and another instance counted one more
    cache.invalidate('a')
    expect((await cache.resolve('a'))?.routing?.humanClicks).toBe(4)
  })
})
