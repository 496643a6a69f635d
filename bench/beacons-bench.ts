import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import {
  autocannon,
  cpuSeconds,
  freePort,
  LOAD_CORE,
  median,
  pinPostgresBackends,
  SERVER_CORE,
  spawnPinned,
  verdict,
  waitForHttp,
  type LoadResult,
  ADMIN_KEY,
  CHROME,
  CONNECTIONS,
  spawnUmbra,
} from './bench-processes.ts'

const SITE = 'https://bench.example'

export type BeaconsBenchOptions = { databaseUrl: string; databaseName: string; rounds: number; durationS: number }

const line = (name: string, r: LoadResult & { cpuUs: number }) =>
  `  ${name.padEnd(6)} ${Math.round(r.reqPerSec).toString().padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  cpu ${r.cpuUs.toFixed(1)} µs/req  204s ${r.status['204'] ?? 0}` +
  (r.errors || r.timeouts ? `  errors ${r.errors} timeouts ${r.timeouts}` : '')

/** What the bench reads of the answers it gets: a key's secret, a kit's content id. */
type Answer = { secret?: string; content: { id: string } }

async function post(base: string, path: string, body: object): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as Answer
}

/**
 * Share beacons (as navigator.sendBeacon sends them) against Umbra vs a bare Fastify answering 204, alternating,
 * servers on core 0, autocannon and Postgres on core 1; then checks Postgres holds one row per 204 of a bounded run.
 */
export async function runBeaconsBench(o: BeaconsBenchOptions) {
  const dataDir = mkdtempSync(join(tmpdir(), 'umbra-bench-'))
  const [umbraPort, barePort] = [await freePort(), await freePort()]
  const umbra = spawnUmbra({
    databaseUrl: o.databaseUrl,
    dataDir,
    port: umbraPort,
    env: { RATE_LIMIT_WIDGET: '1000000000' },
  })
  const bare = spawnPinned(SERVER_CORE, 'bench/bare-fastify.ts', { PORT: String(barePort) })
  const umbraBase = `http://127.0.0.1:${umbraPort}`
  const bareBase = `http://127.0.0.1:${barePort}`
  const db = new pg.Client({ connectionString: o.databaseUrl })
  try {
    await Promise.all([waitForHttp(`${umbraBase}/healthz`), waitForHttp(`${bareBase}/x`)])
    await db.connect()
    const pk = (await post(umbraBase, '/api/v1/keys', { name: 'bench', kind: 'publishable', origins: [SITE] }))
      .secret as string
    const page = `${SITE}/article`
    const kit = await post(umbraBase, '/api/v1/shares', { url: page, channels: ['copy'] })
    const body = JSON.stringify({ type: 'share', url: page, page, channel: 'whatsapp' })
    const headers = { 'content-type': 'text/plain;charset=UTF-8', origin: SITE, 'user-agent': CHROME }
    // Every body distinct (a fresh query string on the page): what the fast path's memo of bodies cannot help.
    const distinctBody = JSON.stringify({ type: 'share', url: page, page: `${page}?v=[<id>]`, channel: 'whatsapp' })
    const load = (
      url: string,
      extra: { durationS?: number; amount?: number; body?: string; freshIds?: boolean } = { durationS: o.durationS },
    ) => autocannon(url, { connections: CONNECTIONS, headers, method: 'POST', body, ...extra })
    const umbraUrl = `${umbraBase}/api/v1/beacons?key=${pk}`
    const bareUrl = `${bareBase}/beacon`
    const measure = async (pid: number, url: string, writes: boolean, distinct = false) => {
      if (writes) pinPostgresBackends(o.databaseName, LOAD_CORE)
      const cpu = cpuSeconds(pid)
      const r = await load(url, distinct ? { durationS: o.durationS, body: distinctBody, freshIds: true } : undefined)
      const requests = Math.max(
        1,
        Object.values(r.status).reduce((a, b) => a + b, 0),
      )
      return { ...r, cpuUs: ((cpuSeconds(pid) - cpu) * 1e6) / requests }
    }

    await load(bareUrl, { durationS: 3 })
    await load(umbraUrl, { durationS: 3 })
    console.log(
      `beacons: ${o.rounds} rounds of autocannon -c ${CONNECTIONS} -d ${o.durationS} POST text/plain, servers on core ${SERVER_CORE}, load and Postgres on core ${LOAD_CORE}`,
    )
    const ratios: number[] = []
    const distinctRatios: number[] = []
    for (let i = 0; i < o.rounds; i++) {
      // Each pair alternates which server goes first; the distinct pair runs bare Fastify under the same
      // (slower) load generator, so its ratio compares like with like.
      const pair = async (distinct: boolean) => {
        const runBare = () => measure(bare.pid, bareUrl, false, distinct)
        const runUmbra = () => measure(umbra.pid, umbraUrl, true, distinct)
        if (i % 2 === 0) {
          const b = await runBare()
          return { b, u: await runUmbra() }
        }
        const u = await runUmbra()
        return { b: await runBare(), u }
      }
      const same = await pair(false)
      const distinct = await pair(true)
      ratios.push(same.u.reqPerSec / same.b.reqPerSec)
      distinctRatios.push(distinct.u.reqPerSec / distinct.b.reqPerSec)
      console.log(
        `round ${i + 1}\n${line('bare', same.b)}\n${line('umbra', same.u)}  ratio ${ratios[i].toFixed(2)}` +
          `\n${line('bare, every body distinct', distinct.b)}` +
          `\n${line('umbra, every body distinct', distinct.u)}  ratio ${distinctRatios[i].toFixed(2)}`,
      )
    }
    console.log(
      `every body distinct (not a bar): median ratio ${median(distinctRatios).toFixed(2)}, rounds ${Math.min(...distinctRatios).toFixed(2)}–${Math.max(...distinctRatios).toFixed(2)}`,
    )

    // A bounded run on a second content: autocannon waits for every answer, so its 204 count is exact.
    const exactPage = `${SITE}/exact`
    const exactKit = await post(umbraBase, '/api/v1/shares', { url: exactPage, channels: ['copy'] })
    const exactAmount = 50_000
    const exact = await autocannon(umbraUrl, {
      connections: CONNECTIONS,
      headers,
      method: 'POST',
      amount: exactAmount,
      body: JSON.stringify({ type: 'share', url: exactPage, page: exactPage, channel: 'copy' }),
    })
    const deadline = Date.now() + 60_000
    const rows = async () =>
      Number(
        (await db.query('select count(*) from funnel_events where content_id = $1', [exactKit.content.id])).rows[0]
          .count,
      )
    while ((await rows()) < (exact.status['204'] ?? 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200))
    const exactRows = await rows()
    const rolled = Number(
      (
        await db.query('select coalesce(sum(shares), 0) as n from share_rollups_hourly where content_id = $1', [
          exactKit.content.id,
        ])
      ).rows[0].n,
    )
    void kit

    const ratio = median(ratios)
    const results = [
      [
        `beacons ≥ 0.7× bare Fastify 204 (median ratio ${ratio.toFixed(2)}, rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
        ratio >= 0.7,
      ],
      [
        `rows in Postgres == 204s answered, bounded run -a ${exactAmount}: ${exactRows} rows, ${exact.status['204'] ?? 0} 204s, rollups ${rolled}`,
        exactRows === (exact.status['204'] ?? 0) && rolled === exactRows,
      ],
    ] as const
    for (const [what, ok] of results) console.log(`${verdict(ok)}  ${what}`)
    return { passed: results.every(([, ok]) => ok) }
  } finally {
    await db.end().catch(() => {})
    await umbra.stop('SIGTERM')
    await bare.stop('SIGTERM')
    rmSync(dataDir, { recursive: true, force: true })
  }
}
