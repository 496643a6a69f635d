// Click classifier throughput on one core: memoised (repeated user agents) and uncached (every user agent
// new). Run: node --import tsx bench/classify-bench.ts [--rounds 5] [--distinct 200000]
import { parseArgs } from 'node:util'
import type { ClickInput } from '../src/clicks/classify/classification.ts'
import { createClickClassifier } from '../src/clicks/classify/create-click-classifier.ts'

const BARS = { repeatedPerSecond: 1_000_000, distinctPerSecond: 30_000 }

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, distinct: { type: 'string', default: '200000' } },
})
const rounds = Number(values.rounds)
const distinctCount = Number(values.distinct)
const context = { ownHosts: ['sho.rt'] }

/** Realistic user-agent shapes; {a} {b} {c} are filled with versions so every generated string differs. */
const UA_TEMPLATES = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{a}.0.{b}.{c} Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{a}.{b} Safari/605.1.{c}',
  'Mozilla/5.0 (Linux; Android {a}; SM-S9{b}B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.{c}.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_{a} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{b} Mobile/15E{c} Safari/604.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_{a} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram {b}.0.0.{c}.109 (iPhone14,2; iOS 17_1; en_US; en; scale=3.00; 1170x2532; 541635863)',
  'Mozilla/5.0 (Linux; Android {a}; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.{c}.0 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/{b}.0.0.23.113;]',
  'Mozilla/5.0 (X11; Linux x86_64; rv:{a}.0) Gecko/20100101 Firefox/{a}.{b}.{c}',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{a}.0.{b}.{c} Safari/537.36 Edg/{a}.0.{b}.{c}',
  'Mozilla/5.0 (compatible; Googlebot/2.{a}; +http://www.google.com/bot.html) Chrome/{b}.0.{c}.0',
  'WhatsApp/2.{a}.{b}.{c} A',
]
const REFERRERS = [
  '',
  '',
  '',
  'https://www.google.com/',
  'https://l.facebook.com/',
  'https://mail.google.com/',
  'https://t.co/',
  'https://news.example.org/article',
]

function generateDistinctClicks(count: number): ClickInput[] {
  const clicks: ClickInput[] = []
  for (let i = 0; i < count; i++) {
    const template = UA_TEMPLATES[i % UA_TEMPLATES.length]
    const n = Math.floor(i / UA_TEMPLATES.length)
    const ua = template
      .replaceAll('{a}', String(10 + (n % 90)))
      .replaceAll('{b}', String(Math.floor(n / 90) % 1000))
      .replace('{c}', String(n))
    clicks.push({ ua, referrer: REFERRERS[i % REFERRERS.length] })
  }
  return clicks
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

type Rates = { perCpuSecond: number; perWallSecond: number }

/**
 * Calls per second of classify over clicks, `passes` times over the array. Rated per CPU-second of this
 * process (user + system, so GC threads count against us) as well as per wall-clock second: on a shared
 * machine the wall clock also measures everybody else's work.
 */
function measure(clicks: readonly ClickInput[], passes: number, classify: (input: ClickInput) => unknown): Rates {
  let sink = 0
  const cpuBefore = process.cpuUsage()
  const wallBefore = process.hrtime.bigint()
  for (let pass = 0; pass < passes; pass++) {
    for (const click of clicks) sink += (classify(click) as { reason: string }).reason.length
  }
  const wallSeconds = Number(process.hrtime.bigint() - wallBefore) / 1e9
  const cpu = process.cpuUsage(cpuBefore)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  if (sink < 0) console.log(sink) // keeps the work observable so the JIT cannot drop it
  const calls = clicks.length * passes
  return { perCpuSecond: calls / cpuSeconds, perWallSecond: calls / wallSeconds }
}

const distinct = generateDistinctClicks(distinctCount)
const repeated = distinct.slice(0, 1_000)

// Warm the JIT on a separate classifier so round one is not a compile benchmark.
measure(distinct.slice(0, 20_000), 1, createClickClassifier(context))

const repeatedRates: Rates[] = []
const distinctRates: Rates[] = []
for (let round = 0; round < rounds; round++) {
  const warm = createClickClassifier(context, { cacheSize: 10_000 })
  measure(repeated, 1, warm)
  repeatedRates.push(measure(repeated, 2_000, warm))
  // A fresh classifier whose cache is smaller than the input: every call runs the rules and ua-parser-js.
  distinctRates.push(measure(distinct, 1, createClickClassifier(context, { cacheSize: 10_000 })))
}

const format = (rate: number) => Math.round(rate).toLocaleString('en-US').padStart(11)
function report(label: string, rates: Rates[], bar: number): boolean {
  const perCpuSecond = median(rates.map((rate) => rate.perCpuSecond))
  const perWallSecond = median(rates.map((rate) => rate.perWallSecond))
  const pass = perCpuSecond >= bar
  console.log(
    `${label}: ${format(perCpuSecond)}/s per CPU-second (${format(perWallSecond).trim()}/s wall)  bar ${bar.toLocaleString('en-US')}/s  ${pass ? 'PASS' : 'FAIL'}`,
  )
  return pass
}
const repeatedPass = report('classify, repeated user agents (memoised)', repeatedRates, BARS.repeatedPerSecond)
const distinctPass = report('classify, distinct user agents (uncached)', distinctRates, BARS.distinctPerSecond)
console.log(
  `  medians of ${rounds} rounds; ${distinct.length.toLocaleString('en-US')} distinct user agents; one core (node runs the classifier on one thread)`,
)
process.exitCode = repeatedPass && distinctPass ? 0 : 1
