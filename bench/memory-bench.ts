// The app and its embedded Postgres, resident: after a first start on an empty DATA_DIR, and under the
// redirect load (autocannon -c 50). Summed over the node process and every process of the cluster, as RSS
// (shared pages counted once per process: an overcount) and as PSS (shared pages split between the
// processes that map them: the honest sum), from /proc/<pid>/smaps_rollup.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appAndClusterMemory } from '../test/support/process-memory.ts'
import { autocannon, freePort, SERVER_CORE, spawnPinned, verdict, waitForHttp } from './bench-processes.ts'

const ADMIN = 'memory-bench-admin-key-0123456789'
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15)

const total = appAndClusterMemory

const fmt = (t: ReturnType<typeof total>) =>
  `PSS ${t.pss.toFixed(0)} MB, RSS summed ${t.rss.toFixed(0)} MB (app PSS ${t.app.pss.toFixed(0)} MB, ` +
  `${t.processes} processes)`

/** npm run bench -- memory: the embedded default started fresh, then under redirect load; true when both bars pass. */
export async function runMemoryBench(): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), 'umbra-memory-'))
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const server = spawnPinned(SERVER_CORE, 'src/server.ts', {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_API_KEY: ADMIN,
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
  })
  try {
    await waitForHttp(`${base}/healthz`, 120_000)
    await new Promise((r) => setTimeout(r, 3_000))
    const started = total(server.pid, dataDir)
    console.log(`after the first start: ${fmt(started)}`)
    const res = await fetch(`${base}/api/v1/links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.org/memory' }),
    })
    const { code } = (await res.json()) as { code: string }
    let peak = started
    const timer = setInterval(() => {
      const t = total(server.pid, dataDir)
      if (t.pss > peak.pss) peak = t
    }, 250)
    const load = await autocannon(`${base}/${code}`, {
      connections: 50,
      durationS: DURATION_S,
      headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36' },
    })
    clearInterval(timer)
    console.log(
      `under the redirect load (${load.reqPerSec.toFixed(0)} req/s, -c 50, ${DURATION_S} s): peak ${fmt(peak)}`,
    )
    console.log(`after the load: ${fmt(total(server.pid, dataDir))}`)
    const bars = [
      [`PSS ≤ 200 MB after the first start (${started.pss.toFixed(0)} MB)`, started.pss <= 200],
      [`PSS ≤ 200 MB under the redirect load (peak ${peak.pss.toFixed(0)} MB)`, peak.pss <= 200],
    ] as const
    for (const [what, ok] of bars) console.log(`${verdict(ok)}  ${what}`)
    return bars.every(([, ok]) => ok)
  } finally {
    await server.stop('SIGTERM')
    rmSync(dataDir, { recursive: true, force: true })
  }
}
