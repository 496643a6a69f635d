import pino from 'pino'
import type pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createScratchDatabase, requireRealDatabaseUrl } from '../../test/support/test-app.ts'
import { startWebhookReceiver } from '../../test/support/webhook-receiver.ts'
import { runMigrations } from '../infra/migrate.ts'
import { createWebhookDeliverer } from './webhook-deliverer.ts'
import { createSecretBox, newWebhookSecret } from './webhook-secret.ts'

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>
let pool: pg.Pool
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>
const secrets = createSecretBox(Buffer.from('delivery-pacing-test-server-secret-012345'))
let stopDeliverer: (() => Promise<void>) | null = null

beforeAll(async () => {
  requireRealDatabaseUrl()
  scratch = await createScratchDatabase()
  if (!scratch) throw new Error('needs the real Postgres')
  pool = scratch.pool(4)
  await runMigrations(pool)
  receiver = await startWebhookReceiver()
  await pool.query('insert into webhooks (url, events, secret_sealed) values ($1, $2, $3)', [
    receiver.url,
    ['link.created'],
    secrets.seal(newWebhookSecret()),
  ])
})
afterEach(async () => {
  await stopDeliverer?.()
  stopDeliverer = null
})
afterAll(async () => {
  await receiver?.close()
  await scratch?.drop()
})

function startDeliverer(maxLagMs: number) {
  const d = createWebhookDeliverer({
    pool,
    secrets,
    log: pino({ level: 'silent' }),
    publicUrl: 'http://umbra.test',
    retryBaseMs: 10,
    retryMaxMs: 50,
    disableAfterHours: 72,
    pollMs: 20,
    maxLagMs,
    retentionDays: 30,
    allowPrivate: true,
    timeoutMs: 2000,
  })
  d.start()
  stopDeliverer = d.stop
}

/** A `link.created` event for the webhook, due now; its code. */
async function recordEvent(code: string) {
  await pool.query(
    `with e as (insert into webhook_events (type, data) values ('link.created', $1) returning id)
     insert into webhook_deliveries (webhook_id, event_id) select w.id, e.id from webhooks w, e`,
    [{ code, url: 'https://example.com/' }],
  )
}

/** Waits (up to 30 s) for the event's delivery to be recorded; how late it was, by Postgres's clock, in ms. */
async function deliveredLateMs(code: string) {
  const deadline = Date.now() + 30_000
  for (;;) {
    const { rows } = await pool.query(
      `select extract(epoch from d.delivered_at - e.occurred_at) * 1000 as ms from webhook_deliveries d
       join webhook_events e on e.id = d.event_id where e.data->>'code' = $1 and d.state = 'delivered'`,
      [code],
    )
    if (rows.length === 1) {
      expect(receiver.unique().size).toBe(receiver.received.length)
      expect(receiver.received.some((r) => r.body.data.code === code)).toBe(true)
      return Number(rows[0].ms)
    }
    if (Date.now() > deadline) throw new Error(`${code} not delivered`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Keeps this process's event loop saturated (20 ms of work a turn, timers and I/O in between) until stopped. */
function saturateEventLoop() {
  let on = true
  const spin = () => {
    if (!on) return
    const end = performance.now() + 20
    while (performance.now() < end) {}
    setImmediate(spin)
  }
  setImmediate(spin)
  return () => {
    on = false
  }
}

describe('delivery paced behind a saturated event loop (WEBHOOK_MAX_LAG_MS)', () => {
  it('delivers at once while the event loop is idle', async () => {
    startDeliverer(20_000)
    await recordEvent('idle-loop')
    expect(await deliveredLateMs('idle-loop')).toBeLessThan(20_000)
  })

  it('under sustained load, waits until the max lag and then delivers, load or not', async () => {
    startDeliverer(1_500)
    const stop = saturateEventLoop()
    try {
      await recordEvent('busy-loop')
      const late = await deliveredLateMs('busy-loop')
      expect(late).toBeGreaterThanOrEqual(1_500)
      expect(late).toBeLessThan(15_000)
    } finally {
      stop()
    }
  })

  it('never waits with a max lag of 0', async () => {
    startDeliverer(0)
    const stop = saturateEventLoop()
    try {
      await recordEvent('no-pacing')
      expect(await deliveredLateMs('no-pacing')).toBeLessThan(1_500)
    } finally {
      stop()
    }
  })
})
