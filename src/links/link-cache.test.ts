import { describe, expect, it } from 'vitest'
import { createLinkCache, type LinkCache, type ResolvedLink } from './link-cache.ts'

const link = (id: string, url = `https://example.com/${id}`): ResolvedLink => ({
  id,
  numericId: Number(id),
  url,
  expiresAtMs: null,
  disabled: false,
  routing: null,
})
/** Links k0, k1, … as a stand-in database. */
const linksNamed = (n: number) =>
  new Map<string, ResolvedLink>(Array.from({ length: n }, (_, i) => [`k${i}`, link(String(i))]))

/** Loads codes and hits each once more (into the protected segment), ten at a time (probation's room at size 100 is 20). */
async function hitTwice(cache: LinkCache, codes: string[]) {
  for (let i = 0; i < codes.length; i += 10) {
    const some = codes.slice(i, i + 10)
    await Promise.all(some.map((c) => cache.resolve(c)))
    for (const c of some) expect(cache.peek(c)).toBeDefined()
  }
}
const settle = () => new Promise((r) => setImmediate(r))

/** A cache over a stand-in database whose answers the test controls. */
function cacheOver(db: Map<string, ResolvedLink>, o: { ttlMs?: number; size?: number } = {}) {
  /** The keys of each load query, in order. */
  const calls: string[][] = []
  let failing = false
  let gate: Promise<void> | null = null
  const cache = createLinkCache({
    size: o.size ?? 100,
    ttlMs: o.ttlMs ?? 60_000,
    load: async (codes) => {
      calls.push([...codes])
      if (gate) await gate
      if (failing) throw new Error('database down')
      const found = new Map<string, ResolvedLink>()
      for (const c of codes) {
        const l = db.get(c)
        if (l) found.set(c, l)
      }
      return found
    },
  })
  return {
    cache,
    calls,
    fail: (on: boolean) => (failing = on),
    hold: () => {
      let release = () => {}
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
    expect(t.calls).toEqual([['a'], ['nope']])
    expect(t.cache.stats()).toMatchObject({ hits: 2, misses: 1, size: 2 })
  })

  it('shares one load between concurrent misses', async () => {
    const t = cacheOver(new Map([['a', link('1')]]))
    const [x, y] = await Promise.all([t.cache.resolve('a'), t.cache.resolve('a')])
    expect(x).toEqual(y)
    expect(t.calls).toEqual([['a']])
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

  it('loads every key missed in one turn with one query', async () => {
    const db = linksNamed(40)
    const t = cacheOver(db)
    const codes = [...db.keys(), 'k3', 'unknown-1', 'unknown-2']
    const answers = await Promise.all(codes.map((c) => t.cache.resolve(c)))
    expect(t.calls).toHaveLength(1)
    expect(new Set(t.calls[0])).toEqual(new Set(codes))
    expect(t.calls[0]).toHaveLength(42) // k3 asked once
    expect(answers.slice(0, 40)).toEqual([...db.values()])
    expect(answers.slice(41)).toEqual([null, null])
    // The next turn's misses are the next query.
    await t.cache.resolve('k40')
    expect(t.calls).toHaveLength(2)
  })

  it('fails every waiter of a failed load that has nothing stale to serve', async () => {
    const t = cacheOver(new Map([['a', link('1')]]))
    t.fail(true)
    const answers = await Promise.allSettled([t.cache.resolve('a'), t.cache.resolve('b')])
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected'])
    expect(t.calls).toHaveLength(1)
  })

  it('answers the waiters of a load invalidated meanwhile, without keeping the answer', async () => {
    const t = cacheOver(new Map([['a', link('1')]]))
    const release = t.hold()
    const waiting = t.cache.resolve('a')
    t.cache.invalidate('a')
    release()
    expect(await waiting).toEqual(link('1'))
    expect(t.cache.peek('a')).toBeUndefined()
  })

  it('keeps hot links through a burst of links seen once', async () => {
    const db = linksNamed(2_000)
    const t = cacheOver(db, { size: 100 })
    const hotCodes = Array.from({ length: 50 }, (_, i) => `k${i}`)
    await hitTwice(t.cache, hotCodes)
    const cold = [...db.keys()].slice(50)
    for (let i = 0; i < cold.length; i += 100) await Promise.all(cold.slice(i, i + 100).map((c) => t.cache.resolve(c)))
    const loadsBefore = t.calls.length
    for (const c of hotCodes) expect(t.cache.peek(c)).toEqual(db.get(c))
    expect(t.calls).toHaveLength(loadsBefore)
    expect(t.cache.stats().size).toBeLessThanOrEqual(100)
    // The burst went through: its most recent links are held, its first ones are gone.
    expect(t.cache.peek(cold[cold.length - 1])).toBeDefined()
    expect(t.cache.peek(cold[0])).toBeUndefined()
  })

  it('keeps a hot link that aged out of the protected segment once it is hit again', async () => {
    const db = linksNamed(300)
    const t = cacheOver(db, { size: 10 }) // 2 on probation, 8 protected
    await t.cache.resolve('k0')
    t.cache.peek('k0') // protected
    // Eight more links promoted push k0 back to probation …
    for (let i = 1; i <= 8; i++) {
      await t.cache.resolve(`k${i}`)
      t.cache.peek(`k${i}`)
    }
    // … where its next hit promotes it again before links seen once push it out.
    expect(t.cache.peek('k0')).toBeDefined()
    for (let i = 100; i < 300; i++) await t.cache.resolve(`k${i}`)
    expect(t.cache.peek('k0')).toEqual(db.get('k0'))
  })

  it('holds unknown keys apart, bounded, so a scan of made-up codes evicts no link', async () => {
    const db = linksNamed(50)
    const t = cacheOver(db, { size: 100 }) // room for 10 unknown keys
    await hitTwice(t.cache, [...db.keys()])
    const made = Array.from({ length: 1_000 }, (_, i) => `nope${i}`)
    expect(await Promise.all(made.map((c) => t.cache.resolve(c)))).toEqual(made.map(() => null))
    expect(t.cache.stats()).toMatchObject({ unknown: 10, size: 60 })
    for (const c of db.keys()) expect(t.cache.peek(c)).toEqual(db.get(c))
    // A recent unknown key is answered from memory: no query.
    const loads = t.calls.length
    expect(t.cache.peek('nope999')).toBeNull()
    expect(t.calls).toHaveLength(loads)
    expect(t.cache.peek('nope0')).toBeUndefined()
  })

  it('moves a link that was unknown out of the unknown keys once it exists', async () => {
    const db = new Map<string, ResolvedLink>()
    const t = cacheOver(db)
    expect(await t.cache.resolve('a')).toBeNull()
    db.set('a', link('1'))
    t.cache.invalidate('a')
    expect(await t.cache.resolve('a')).toEqual(link('1'))
    expect(t.cache.stats()).toMatchObject({ unknown: 0, size: 1 })
  })

  it("carries a limited link's human clicks over a reload, which reads a stored total that lags behind", async () => {
    let stored = 0
    const cache = createLinkCache({
      size: 10,
      ttlMs: 60_000,
      // A fresh object per load, as from Postgres: the stored total, counted on by capture.
      load: async (keys) =>
        new Map(
          keys.map((key) => [
            key,
            {
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
            },
          ]),
        ),
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
