// A load generator process for the many-links round: autocannon (programmatic) whose every request asks for
// a code drawn from a Zipf distribution over `links` codes (or always the same code, for the one-link round
// measured the same way). Prints autocannon's result as JSON, as `autocannon -j` does.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

type Request = { path: string }
// autocannon ships no types: the part of its programmatic API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (o: {
  url: string
  connections: number
  duration: number
  overallRate?: number
  headers?: Record<string, string>
  requests: { setupRequest: (req: Request) => Request }[]
}) => Promise<unknown>

export type ZipfLoadOptions = {
  url: string
  /** Codes are `${prefix}${rank}`, rank 1..links, each rank drawn with weight rank^-exponent; 0 links: always `${prefix}`. */
  prefix: string
  links: number
  exponent: number
  connections: number
  durationS: number
  /** Requests per second across all connections (fixed-rate round); unset: as fast as the server answers. */
  overallRate?: number
  headers?: Record<string, string>
}

/**
 * The Zipf exponent that puts `share` of the draws on the `top` most popular of `n` codes: with the default
 * cache of 100k and 1M links, share 0.8 makes ~20 % of requests ask for a code beyond what a perfect cache holds.
 */
export function zipfExponentFor(n: number, top: number, share: number): number {
  const topShare = (s: number) => {
    let head = 0
    let all = 0
    for (let r = 1; r <= n; r++) {
      const w = r ** -s
      all += w
      if (r <= top) head += w
    }
    return head / all
  }
  let [lo, hi] = [0.5, 1.5]
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2
    if (topShare(mid) < share) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

/** Draws ranks 1..n with weight rank^-exponent: a cumulative table and a binary search per draw. */
export function zipfSampler(n: number, exponent: number, seed = 7): () => number {
  const cumulative = new Float64Array(n)
  let total = 0
  for (let r = 1; r <= n; r++) cumulative[r - 1] = total += r ** -exponent
  // mulberry32: deterministic across runs.
  let state = seed
  const rand = () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return () => {
    const x = rand() * total
    let [lo, hi] = [0, n - 1]
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid] < x) lo = mid + 1
      else hi = mid
    }
    return lo + 1
  }
}

async function main(o: ZipfLoadOptions) {
  const draw = o.links > 0 ? zipfSampler(o.links, o.exponent) : null
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.durationS,
    overallRate: o.overallRate,
    headers: o.headers,
    requests: [{ setupRequest: (req) => ({ ...req, path: `/${o.prefix}${draw ? draw() : ''}` }) }],
  })
  process.stdout.write(JSON.stringify(result))
}

// Run as a process (not when many-links-bench.ts imports the helpers above).
if (process.argv[1] === fileURLToPath(import.meta.url)) await main(JSON.parse(process.argv[2]) as ZipfLoadOptions)
