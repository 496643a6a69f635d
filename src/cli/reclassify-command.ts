import { parseArgs } from 'node:util'
import { loadConfig } from '../config.ts'
import { classifyContextFor, createClickClassifier } from '../clicks/classify/create-click-classifier.ts'
import { reclassifyClicks } from '../clicks/reclassify/reclassify-clicks.ts'
import { createPool } from '../infra/database.ts'
import { runMigrations } from '../infra/migrate.ts'

const USAGE = `usage: umbra reclassify [--since 2026-01-01 | --since 30d] [--batch 5000]
Recomputes the labels of stored clicks with the current rules and corrects the rollups
(--batch: verdicts read at a time; clicks are moved one UTC day per transaction).
Safe while the service runs.`

/** "30d", "12h" or an ISO date → the instant to start from. */
export function parseSince(value: string | undefined, now = Date.now()): Date {
  if (!value) return new Date(0)
  const relative = /^(\d+)([dh])$/.exec(value)
  if (relative) return new Date(now - Number(relative[1]) * (relative[2] === 'd' ? 86_400_000 : 3_600_000))
  const at = Date.parse(value)
  if (Number.isNaN(at)) throw new Error(`--since: "${value}" is neither a date nor a duration like 30d`)
  return new Date(at)
}

export default async function reclassify(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { since: { type: 'string' }, batch: { type: 'string' }, help: { type: 'boolean' } },
  })
  if (values.help) return console.log(USAGE)
  const since = parseSince(values.since)
  const batchSize = values.batch ? Number(values.batch) : 5_000
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch must be a positive whole number')

  const config = loadConfig(process.env)
  const pool = await createPool(config)
  try {
    await runMigrations(pool)
    const classifier = createClickClassifier(classifyContextFor(config))
    const classify = (c: { user_agent: string | null; referrer: string | null; requested_with: string | null }) =>
      classifier({
        ua: c.user_agent ?? '',
        referrer: c.referrer ?? '',
        requestedWith: c.requested_with ?? '',
      })
    const started = Date.now()
    const result = await reclassifyClicks(pool, classify, {
      since,
      batchSize,
      onBatch: (p) =>
        process.stderr.write(
          `\r${p.verdicts} verdicts checked, ${p.relabelled} relabelled; ${p.changed} clicks moved over ${p.days} days`,
        ),
    })
    process.stderr.write('\n')
    console.log(JSON.stringify({ since: since.toISOString(), ...result, seconds: (Date.now() - started) / 1000 }))
  } finally {
    await pool.end()
  }
}
