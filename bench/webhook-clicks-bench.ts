// node --import tsx bench/webhook-clicks-bench.ts: what a webhook subscribed to clicks costs, in-process and
// apart from the redirect: recording (click batches written with the webhook active vs inactive, alternating
// rounds) and delivery (the deliverer sending what was recorded to a receiver in this process). CPU time of
// this process and of the bench database's Postgres backends, per click. BENCH_CODE_ROOT=<checkout> measures
// another checkout's writer, observer and deliverer with the same batches.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import pino from 'pino'
import { COPY_BINARY_HEADER, MAX_CLICK_ROW_BYTES, writeClickRow } from '../src/clicks/click-kind/click-row.ts'
import { createPersonRuns } from '../src/clicks/click-kind/person-runs.ts'
import { createBatchRollups } from '../src/clicks/rollups/batch-rollups.ts'
import { createClickVerdict } from '../src/clicks/verdicts/click-verdict.ts'
import { createBenchDatabase } from './bench-database.ts'
import { postgresCpuSeconds } from './bench-processes.ts'

const ROOT = process.env.BENCH_CODE_ROOT ?? new URL('../', import.meta.url).pathname
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const BATCHES = 10
const BATCH_CLICKS = 5_000
const PER_EVENT = 500

const code = async (path: string) => import(join(ROOT, path))
const { createClickBatchWriter } = await code('src/clicks/click-kind/write-click-batch.ts')
const { clickEventsObserver } = await code('src/webhooks/click-events.ts')
const { createWebhookDeliverer, DELIVERY_POOL_OPTIONS = { max: 2 } } = await code('src/webhooks/webhook-deliverer.ts')
const { createSecretBox } = await code('src/webhooks/webhook-secret.ts')
const { runMigrations } = await code('src/infra/migrate.ts')

const human = createClickVerdict('Chrome', '', '', {
  kind: 'human',
  medium: 'direct',
  app: null,
  visibility: 'dark',
  reason: '',
  browser: 'Chrome',
  os: 'Windows',
  device: 'desktop',
})
const bot = createClickVerdict('Bot', '', '', {
  kind: 'bot',
  medium: null,
  app: null,
  visibility: null,
  reason: '',
  browser: 'x',
  os: 'y',
  device: 'z',
})

const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`

const database = await createBenchDatabase('umbra_bench_hooks')
const pool = new pg.Pool({ connectionString: database.url, max: 4 })
pool.on('error', () => {})
const dir = mkdtempSync(join(tmpdir(), 'umbra-hooks-bench-'))
const receiver = createServer((req, res) => {
  req.resume()
  req.on('end', () => res.writeHead(204).end())
})
try {
  await runMigrations(pool)
  const links = (
    await pool.query(
      `insert into links (code, url, channel, topics) select 'l' || i, 'https://example.com/' || i, 'whatsapp', '{shoes}'
       from generate_series(1, 100) i returning id`,
    )
  ).rows.map((r) => Number(r.id))
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  const secrets = createSecretBox(Buffer.from('webhook-bench-server-secret-0123456789abcdef'))
  await pool.query(`insert into webhooks (url, events, secret_sealed, active) values ($1, '{click}', $2, false)`, [
    url,
    secrets.seal(`whsec_${Buffer.alloc(24, 7).toString('base64')}`),
  ])
  const write = createClickBatchWriter(pool, clickEventsObserver(PER_EVENT))

  // Every batch made before measuring: ids and times as a server mints them, one click in ten a bot.
  let nextId = 1
  let at = Date.now() - 3_600_000
  const batch = () => {
    const rollups = createBatchRollups()
    const runs = createPersonRuns(PER_EVENT)
    const rows = Buffer.alloc(COPY_BINARY_HEADER.length + BATCH_CLICKS * MAX_CLICK_ROW_BYTES)
    let end = COPY_BINARY_HEADER.copy(rows)
    let verdictsLine = ''
    for (let i = 0; i < BATCH_CLICKS; i++) {
      const id = nextId++
      at += 0.2
      const t = Math.floor(at)
      const v = id % 10 === 0 ? bot : human
      const link = links[id % links.length]
      end = writeClickRow(rows, end, id, link, t, v.idHigh, v.idLow, null, 'en', 'FR')
      rollups.add(String(link), t, null, v.label, 'FR')
      if (v === human) runs.add(id, t)
    }
    verdictsLine = human.line + bot.line
    const file = join(dir, `batch-${nextId}.bin`)
    writeFileSync(file, rows.subarray(0, end))
    return {
      rows: { file, chunks: [] },
      verdicts: verdictsLine,
      count: BATCH_CLICKS,
      losses: [],
      rollups,
      personRuns: runs,
    }
  }

  const recording = { active: [] as number[][], inactive: [] as number[][] }
  console.log(
    `webhook clicks (code in ${ROOT}): ${ROUNDS} rounds × ${BATCHES} batches of ${BATCH_CLICKS} clicks, webhook inactive then active (alternating order)`,
  )
  for (let round = 0; round < ROUNDS; round++) {
    for (const active of round % 2 ? [true, false] : [false, true]) {
      await pool.query('update webhooks set active = $1', [active])
      const batches = Array.from({ length: BATCHES }, batch)
      const [app, pgCpu] = [cpu(), postgresCpuSeconds(database.name)]
      for (const b of batches) await write(b)
      const n = BATCHES * BATCH_CLICKS
      const m = [((cpu() - app) * 1e6) / n, ((postgresCpuSeconds(database.name) - pgCpu) * 1e6) / n]
      recording[active ? 'active' : 'inactive'].push(m)
      console.log(
        `  round ${round + 1} ${active ? 'active  ' : 'inactive'}  app ${m[0].toFixed(2)} µs/click  Postgres ${m[1].toFixed(2)} µs/click`,
      )
    }
  }
  const col = (xs: number[][], i: number) => xs.map((x) => x[i])
  for (const [i, what] of [
    [0, 'app'],
    [1, 'Postgres'],
  ] as const)
    console.log(
      `recording, ${what}: ${median(col(recording.active, i)).toFixed(2)} µs/click active (${spread(col(recording.active, i))}) vs ` +
        `${median(col(recording.inactive, i)).toFixed(2)} µs/click inactive (${spread(col(recording.inactive, i))}): ` +
        `${(median(col(recording.active, i)) - median(col(recording.inactive, i))).toFixed(2)} µs/click for the webhook`,
    )
  const { rows: outbox } = await pool.query(
    `select count(*)::int as events, pg_total_relation_size('webhook_events') as bytes from webhook_events`,
  )
  // Person clicks recorded while the webhook was active: one of the two halves of each round.
  const persons = ROUNDS * BATCHES * BATCH_CLICKS * 0.9
  console.log(
    `outbox: ${outbox[0].events} events for ${persons} person clicks, webhook_events ${(outbox[0].bytes / 1024 / 1024).toFixed(1)} MB`,
  )

  await pool.query('update webhooks set active = true')
  const deliveryPool = new pg.Pool({ connectionString: database.url, ...DELIVERY_POOL_OPTIONS })
  deliveryPool.on('error', () => {})
  const deliverer = createWebhookDeliverer({
    pool: deliveryPool,
    secrets,
    log: pino({ level: 'silent' }),
    publicUrl: 'http://umbra.test',
    retryBaseMs: 1000,
    retryMaxMs: 10_000,
    disableAfterHours: 72,
    pollMs: 1000,
    maxLagMs: 0,
    retentionDays: 30,
    allowPrivate: true,
    timeoutMs: 10_000,
  })
  // As autovacuum leaves a live database: the planner knows the tables' sizes.
  await pool.query('analyze')
  if (process.env.BENCH_EXPLAIN) {
    const { clickListsQuery, CLICK_RUN_COLUMNS } = await code('src/webhooks/click-delivery.ts')
    const { rows } = await pool.query(
      `select e.id::text as event_id, ${CLICK_RUN_COLUMNS} from webhook_events e order by id limit 8`,
    )
    const q = clickListsQuery(rows)
    const plan = await pool.query(`explain (analyze, buffers) ${q.text}`, q.values)
    console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'))
  }
  const [app, pgCpu, started] = [cpu(), postgresCpuSeconds(database.name), performance.now()]
  if (!process.env.BENCH_KEEP) await deliverer.deliverDue()
  const seconds = (performance.now() - started) / 1000
  const [appUs, pgUs] = [((cpu() - app) * 1e6) / persons, ((postgresCpuSeconds(database.name) - pgCpu) * 1e6) / persons]
  const { rows: left } = await pool.query(`select count(*)::int as n from webhook_deliveries where state = 'pending'`)
  console.log(
    `delivery: ${persons} clicks in ${seconds.toFixed(1)} s, app ${appUs.toFixed(2)} µs/click, Postgres ${pgUs.toFixed(2)} µs/click, ${left[0].n} deliveries left pending`,
  )
  await deliverer.stop()
  await deliveryPool.end()
} finally {
  receiver.close()
  await pool.end()
  if (process.env.BENCH_KEEP) {
    console.log(`kept ${database.url}`)
    await database.keep()
  } else await database.drop()
  rmSync(dir, { recursive: true, force: true })
}
