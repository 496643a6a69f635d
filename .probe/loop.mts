import { monitorEventLoopDelay } from 'node:perf_hooks'
import pg from 'pg'
import { openClickExport } from '/work/wt/exports/src/analytics/click-export.ts'
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/umbra_exports_probe', max: 2 })
for (const fetchRows of [2000, 10000, 2000, 10000]) {
  const h = monitorEventLoopDelay({ resolution: 1 })
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const lines = await openClickExport(pool, { from: new Date('2025-01-01'), to: new Date('2025-02-01') }, { fetchRows })
  h.enable()
  let bytes = 0
  for await (const s of lines) bytes += Buffer.byteLength(s)
  h.disable()
  const cpu = process.cpuUsage(cpu0)
  console.log(
    fetchRows,
    'ms',
    Math.round(performance.now() - t0),
    'cpu ms',
    Math.round((cpu.user + cpu.system) / 1000),
    'MB',
    (bytes / 1e6).toFixed(0),
    'loop p99',
    (h.percentile(99) / 1e6).toFixed(1),
    'max',
    (h.max / 1e6).toFixed(1),
  )
}
await pool.end()
