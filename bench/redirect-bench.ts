import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import {
  autocannon,
  cpuSeconds,
  freePort,
  LOAD_CORE,
  pinPostgresBackends,
  postgresCpuSeconds,
  median,
  SERVER_CORE,
  spawnPinned,
  verdict,
  waitForHttp,
  watchRss,
  type LoadResult,
  ADMIN_KEY,
  CHROME,
  CONNECTIONS,
  spawnUmbra,
} from './bench-processes.ts'
import { startClickReceiver } from './click-receiver.ts'
import { type HookedRound, hookedRound, hookedSummary } from './hooked-round.ts'

// BENCH_CONVERSIONS=1: each round also measures a conversion-tracking link (its 302 carries umb_click).
const CONVERSIONS = process.env.BENCH_CONVERSIONS === '1'
// BENCH_WEBHOOK_CLICKS=1: each round also measures the plain link while a webhook is subscribed to clicks
// (delivered to a receiver in this process); the webhook is inactive during the other measurements.
// BENCH_WEBHOOK_DELIVERY=false: the server records click events but sends none (the recording cost alone).
const WEBHOOK_CLICKS = process.env.BENCH_WEBHOOK_CLICKS === '1'
const WEBHOOK_DELIVERY = process.env.BENCH_WEBHOOK_DELIVERY !== 'false'

export type RedirectBenchOptions = {
  databaseUrl: string
  databaseName: string
  rounds: number
  durationS: number
  env?: Record<string, string>
  /** Also measure, each round, a link carrying five rules (the fifth answers the bench's desktop Chrome). */
  withRules?: boolean
  /** Also measure, each round, the plain link with a webhook subscribed to clicks (BENCH_WEBHOOK_CLICKS=1 too). */
  webhookClicks?: boolean
}

// Every condition kind, none of the first four holding for desktop Chrome: a click is tested against all five.
const FIVE_RULES = [
  { if: { device: 'ios' }, url: 'https://apps.apple.com/app/id1' },
  { if: { device: 'android' }, url: 'https://play.google.com/store/apps/details?id=com.example' },
  { if: { country: ['FR', 'BE'], language: ['fr'] }, url: 'https://example.com/fr' },
  { if: { app: ['instagram', 'facebook', 'tiktok'] }, url: 'https://example.com/social' },
  { if: { os: ['Windows', 'Mac OS'], device: 'desktop' }, url: 'https://example.com/desktop' },
]

export type Measured = LoadResult & { cpuUsPerRequest: number; postgresUsPerRequest: number }

const line = (name: string, r: Measured) =>
  `  ${name.padEnd(6)} ${Math.round(r.reqPerSec).toString().padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ` +
  `cpu ${r.cpuUsPerRequest.toFixed(1)} µs/req${r.postgresUsPerRequest ? ` (+ Postgres ${r.postgresUsPerRequest.toFixed(1)} µs)` : ''}  302s ${r.status['302'] ?? 0}` +
  (r.errors || r.timeouts ? `  errors ${r.errors} timeouts ${r.timeouts}` : '')

async function postJson(base: string, path: string, body: object, method = 'POST') {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as { id?: string }
}
const createLink = (base: string, code: string, conversionTracking = false, extra: object = {}) =>
  postJson(base, '/api/v1/links', { url: 'https://example.com/article?ref=bench', code, conversionTracking, ...extra })

async function waitForDrain(base: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const r = (await (await fetch(`${base}/readyz`)).json()) as { clicks: { backlog: number; spooledBatches: number } }
    if (r.clicks.backlog === 0 && r.clicks.spooledBatches === 0) return
    if (Date.now() > deadline) throw new Error(`click backlog did not drain: ${JSON.stringify(r.clicks)}`)
    await new Promise((res) => setTimeout(res, 100))
  }
}

/**
 * Bare Fastify vs Umbra, alternating, each on core 0 with autocannon (and Postgres) on core 1; then checks that
 * Postgres holds exactly one click per 302 answered.
 */
export async function runRedirectBench(o: RedirectBenchOptions) {
  const dataDir = mkdtempSync(join(tmpdir(), 'umbra-bench-'))
  const receiver = WEBHOOK_CLICKS || o.webhookClicks ? await startClickReceiver() : null
  const [umbraPort, barePort] = [await freePort(), await freePort()]
  const umbra = spawnUmbra({
    databaseUrl: o.databaseUrl,
    dataDir,
    port: umbraPort,
    env: {
      ...(receiver ? { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_DELIVERY: String(WEBHOOK_DELIVERY) } : {}),
      ...o.env,
    },
  })
  const bare = spawnPinned(SERVER_CORE, 'bench/bare-fastify.ts', { PORT: String(barePort) })
  const umbraBase = `http://127.0.0.1:${umbraPort}`
  const bareBase = `http://127.0.0.1:${barePort}`
  const db = new pg.Client({ connectionString: o.databaseUrl })
  try {
    await Promise.all([waitForHttp(`${umbraBase}/healthz`), waitForHttp(`${bareBase}/x`)])
    await db.connect()
    await createLink(umbraBase, 'bench-hot')
    await createLink(umbraBase, 'bench-exact')
    if (o.withRules) await createLink(umbraBase, 'bench-rules', false, { rules: FIVE_RULES })
    if (CONVERSIONS) await createLink(umbraBase, 'bench-conv', true)
    const hookId = receiver
      ? (await postJson(umbraBase, '/api/v1/webhooks', { url: receiver.url, events: ['click'], active: false })).id
      : null
    const subscribe = (active: boolean) => postJson(umbraBase, `/api/v1/webhooks/${hookId}`, { active }, 'PATCH')
    const load = (
      base: string,
      code: string,
      extra: { durationS?: number; amount?: number } = { durationS: o.durationS },
    ) => autocannon(`${base}/${code}`, { connections: CONNECTIONS, headers: { 'user-agent': CHROME }, ...extra })
    // The server's own CPU time per answered request: what the pinned core spends, whatever else the machine runs.
    const measure = async (pid: number, base: string, writesClicks: boolean, code = 'bench-hot'): Promise<Measured> => {
      if (writesClicks) pinPostgresBackends(o.databaseName, LOAD_CORE)
      const [cpu, pgCpu] = [cpuSeconds(pid), writesClicks ? postgresCpuSeconds(o.databaseName) : 0]
      const r = await load(base, code)
      const requests = Math.max(
        1,
        Object.values(r.status).reduce((a, b) => a + b, 0),
      )
      return {
        ...r,
        cpuUsPerRequest: ((cpuSeconds(pid) - cpu) * 1e6) / requests,
        postgresUsPerRequest: writesClicks ? ((postgresCpuSeconds(o.databaseName) - pgCpu) * 1e6) / requests : 0,
      }
    }

    // Warm both up (JIT, caches, pool) before measuring; their clicks count too.
    let umbra302s = 0
    let umbraRedirectsAnswered = 0
    await load(bareBase, 'bench-hot', { durationS: 3 })
    umbra302s += (await load(umbraBase, 'bench-hot', { durationS: 3 })).status['302'] ?? 0
    let rules302s = 0
    if (o.withRules) rules302s += (await load(umbraBase, 'bench-rules', { durationS: 3 })).status['302'] ?? 0

    const rounds: { bare: Measured; umbra: Measured; rssMb: number; rules: Measured | null }[] = []
    const conversionRatios: number[] = []
    let conversion302s = 0
    const hooked: HookedRound[] = []
    let hooked302s = 0
    console.log(
      `redirect: ${o.rounds} rounds of autocannon -c ${CONNECTIONS} -d ${o.durationS}, servers on core ${SERVER_CORE}, ` +
        `autocannon and the bench database's Postgres backends on core ${LOAD_CORE}`,
    )
    for (let i = 0; i < o.rounds; i++) {
      // Alternate who goes first, so drift in the machine's load does not favour one side.
      const runBare = () => measure(bare.pid, bareBase, false)
      const runUmbra = async () => {
        const rss = watchRss(umbra.pid)
        const r = await measure(umbra.pid, umbraBase, true)
        return { r, rss: rss.stop() }
      }
      let b: Measured, u: { r: Measured; rss: number }
      if (i % 2 === 0) {
        b = await runBare()
        u = await runUmbra()
      } else {
        u = await runUmbra()
        b = await runBare()
      }
      umbra302s += u.r.status['302'] ?? 0
      // The rules link right after, against the same round's bare Fastify.
      const rules = o.withRules ? await measure(umbra.pid, umbraBase, true, 'bench-rules') : null
      rules302s += rules?.status['302'] ?? 0
      rounds.push({ bare: b, umbra: u.r, rssMb: u.rss, rules })
      console.log(
        `round ${i + 1}\n${line('bare', b)}\n${line('umbra', u.r)}  rss ${u.rss.toFixed(0)} MB  ratio ${(u.r.reqPerSec / b.reqPerSec).toFixed(2)}` +
          (rules ? `\n${line('rules', rules)}  ratio ${(rules.reqPerSec / b.reqPerSec).toFixed(2)}` : ''),
      )
      if (CONVERSIONS) {
        const c = await measure(umbra.pid, umbraBase, true, 'bench-conv')
        conversion302s += c.status['302'] ?? 0
        conversionRatios.push(c.reqPerSec / b.reqPerSec)
        console.log(`${line('conv', c)}  ratio ${(c.reqPerSec / b.reqPerSec).toFixed(2)} (conversion-tracking link)`)
      }
      if (receiver) {
        const h = await hookedRound({
          receiver,
          db,
          pid: umbra.pid,
          databaseName: o.databaseName,
          subscribe,
          measure: () => measure(umbra.pid, umbraBase, true),
          drainClicks: () => waitForDrain(umbraBase),
          bare: b,
          plain: u.r,
        })
        hooked302s += h.measured.status['302'] ?? 0
        hooked.push(h.round)
        console.log(`${line('hooked', h.measured)}  ${h.text}`)
      }
    }

    // A bounded run (-a): autocannon waits for every response, so its 302 count is exact.
    const exactAmount = 100_000
    const exact = await load(umbraBase, 'bench-exact', { amount: exactAmount })
    await waitForDrain(umbraBase)
    const count = async (code: string) =>
      Number(
        (await db.query('select count(*) from clicks c join links l on l.id = c.link_id where l.code = $1', [code]))
          .rows[0].count,
      )
    // The conversion-tracking link's clicks count with the timed rounds' (the server's 302 count includes them).
    const hotClicks = (await count('bench-hot')) + (CONVERSIONS ? await count('bench-conv') : 0)
    const exactClicks = await count('bench-exact')
    const rulesClicks = o.withRules ? await count('bench-rules') : 0
    const metrics = await (await fetch(`${umbraBase}/metrics`)).text().catch(() => '')
    const m = /^umbra_redirects_total\{[^}]*status="302"[^}]*\} (\d+)/m.exec(metrics)
    // The server's count covers every link: the rules link's clicks (checked on their own below) are not the hot link's.
    umbraRedirectsAnswered = m ? Number(m[1]) - rulesClicks : NaN

    const ratios = rounds.map((r) => r.umbra.reqPerSec / r.bare.reqPerSec)
    const summary = {
      bareReqPerSec: median(rounds.map((r) => r.bare.reqPerSec)),
      umbraReqPerSec: median(rounds.map((r) => r.umbra.reqPerSec)),
      ratio: median(ratios),
      ratioRange: [Math.min(...ratios), Math.max(...ratios)],
      bareP99: median(rounds.map((r) => r.bare.p99)),
      umbraP50: median(rounds.map((r) => r.umbra.p50)),
      umbraP99: median(rounds.map((r) => r.umbra.p99)),
      peakRssMb: Math.max(...rounds.map((r) => r.rssMb)),
      bareCpuUs: median(rounds.map((r) => r.bare.cpuUsPerRequest)),
      umbraCpuUs: median(rounds.map((r) => r.umbra.cpuUsPerRequest)),
    }
    const rulesRatios = rounds.flatMap((r) => (r.rules ? [r.rules.reqPerSec / r.bare.reqPerSec] : []))
    const exact302s = exact.status['302'] ?? 0
    // -d rounds end by destroying sockets: a request in flight at that moment was answered (and counted) by the
    // server but never seen by autocannon, at most one per connection per run.
    const inFlightSlack = CONNECTIONS * (rounds.length + conversionRatios.length + hooked.length + 1)
    const results: [string, boolean][] = [
      [
        `Umbra ≥ 0.8× bare Fastify (median ratio ${summary.ratio.toFixed(2)}, rounds ${summary.ratioRange.map((x) => x.toFixed(2)).join('–')})`,
        summary.ratio >= 0.8,
      ],
      [
        `p99 ≤ 5 ms at ${CONNECTIONS} connections (median p99 ${summary.umbraP99} ms; bare ${summary.bareP99} ms)`,
        summary.umbraP99 <= 5,
      ],
      [`RSS under full load ≤ 200 MB (peak ${summary.peakRssMb.toFixed(0)} MB)`, summary.peakRssMb <= 200],
      [
        `clicks in Postgres == 302s answered, bounded run -a ${exactAmount}: ${exactClicks} clicks, ${exact302s} 302s`,
        exactClicks === exact302s,
      ],
      [
        `clicks in Postgres == 302s answered, timed rounds: ${hotClicks} clicks, autocannon saw ${umbra302s + conversion302s + hooked302s} 302s` +
          (Number.isNaN(umbraRedirectsAnswered) ? '' : `, the server answered ${umbraRedirectsAnswered - exact302s}`) +
          ` (autocannon misses ≤ ${inFlightSlack} in flight at its stops)`,
        Number.isNaN(umbraRedirectsAnswered)
          ? hotClicks >= umbra302s + conversion302s + hooked302s &&
            hotClicks <= umbra302s + conversion302s + hooked302s + inFlightSlack
          : hotClicks === umbraRedirectsAnswered - exact302s && hotClicks >= umbra302s + conversion302s + hooked302s,
      ],
      ...(o.withRules
        ? ([
            [
              `a link with five rules ≥ 0.75× bare Fastify (median ratio ${median(rulesRatios).toFixed(2)}, rounds ` +
                `${Math.min(...rulesRatios).toFixed(2)}–${Math.max(...rulesRatios).toFixed(2)}; plain link ${summary.ratio.toFixed(2)})`,
              median(rulesRatios) >= 0.75,
            ],
            [
              `clicks in Postgres == 302s answered, rules link: ${rulesClicks} clicks, autocannon saw ${rules302s} 302s`,
              rulesClicks >= rules302s && rulesClicks <= rules302s + inFlightSlack,
            ],
          ] as [string, boolean][])
        : []),
    ]
    console.log(
      `redirect medians: bare ${Math.round(summary.bareReqPerSec)} req/s, umbra ${Math.round(summary.umbraReqPerSec)} req/s ` +
        `(p50 ${summary.umbraP50} ms, p99 ${summary.umbraP99} ms); server CPU per request: bare ${summary.bareCpuUs.toFixed(1)} µs, ` +
        `umbra ${summary.umbraCpuUs.toFixed(1)} µs (+${(summary.umbraCpuUs - summary.bareCpuUs).toFixed(1)} µs for lookup, capture, journal, batches)`,
    )
    if (CONVERSIONS)
      console.log(
        `conversion-tracking link: median ratio ${median(conversionRatios).toFixed(2)} vs bare ` +
          `(plain link ${summary.ratio.toFixed(2)}), ${conversion302s} 302s`,
      )
    if (receiver) {
      const { text, result } = await hookedSummary(hooked, summary.ratio, receiver, db, hooked302s, WEBHOOK_DELIVERY)
      console.log(text)
      if (result) results.push(result)
    }
    for (const [what, ok] of results) console.log(`${verdict(ok)}  ${what}`)
    return { summary, passed: results.every(([, ok]) => ok) }
  } finally {
    await db.end().catch(() => {})
    const code = await umbra.stop('SIGTERM')
    await bare.stop('SIGTERM')
    if (code !== 0) console.log(`umbra exited with ${code}`)
    rmSync(dataDir, { recursive: true, force: true })
    await receiver?.close()
  }
}
