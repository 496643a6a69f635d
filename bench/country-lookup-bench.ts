// node --import tsx bench/country-lookup-bench.ts: the cost of a click's country lookup in the bundled database
// (src/clicks/capture/country-lookup.ts), over 10,000 different public addresses, cold and then warm.
import { openPlaceLookup } from '../src/clicks/capture/country-lookup.ts'

const opening = performance.now()
const lookup = await openPlaceLookup(process.env.GEOIP_DB)
const openMs = performance.now() - opening
if (!lookup) throw new Error('GEOIP_DB=off: nothing to measure')

// Spread over the IPv4 space: distinct addresses, so no cache of the reader answers them all.
const addresses = Array.from(
  { length: 10_000 },
  (_, i) => `${((i * 7919) % 223) + 1}.${(i * 31) % 256}.${(i * 17) % 256}.${i % 256}`,
)
const rounds: number[] = []
let found = 0
for (let round = 0; round < 8; round++) {
  const start = performance.now()
  for (const ip of addresses) if (lookup(ip)) found++
  rounds.push(((performance.now() - start) * 1000) / addresses.length)
}
console.log(
  JSON.stringify({
    openMs: Math.round(openMs),
    microsecondsPerLookup: rounds.map((r) => Number(r.toFixed(2))),
    known: found / rounds.length / addresses.length,
    rssMB: Math.round(process.memoryUsage().rss / 1e6),
  }),
)
