import { rmSync } from 'node:fs'
import { Webhook } from 'standardwebhooks'
import { afterAll, describe, expect, it } from 'vitest'
import { startWebhookReceiver } from '../support/webhook-receiver.ts'
import { ADMIN_KEY, createScratchDatabase, eventually, realDatabaseUrl } from '../support/test-app.ts'
import { createLink, startUmbra, tempDataDir } from './fault-harness.ts'

const json = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }
const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

describe.skipIf(!realDatabaseUrl())('webhooks: SIGKILL during a delivery', () => {
  it('delivers the event after a restart, with the same webhook-id', async () => {
    const scratch = await createScratchDatabase()
    if (!scratch) throw new Error('needs the real Postgres')
    cleanups.push(() => scratch.drop())
    const dataDir = tempDataDir()
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const receiver = await startWebhookReceiver()
    cleanups.push(() => receiver.close())
    // A 1 s timeout: a delivery claimed by the killed process is due again ~3 s later (its lease).
    const env = {
      DATABASE_URL: scratch.url,
      DATA_DIR: dataDir,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_POLL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '50',
    }
    const first = await startUmbra(env)
    const created = await fetch(`${first.base}/api/v1/webhooks`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ url: receiver.url, events: ['link.created'] }),
    })
    expect(created.status).toBe(201)
    const { secret } = (await created.json()) as { secret: string }

    receiver.state.mode = 'hang'
    await createLink(first.base, 'killed-mid-delivery')
    await eventually(async () => receiver.state.hung > 0, 10_000)
    first.child.kill('SIGKILL')
    await first.exited
    receiver.state.mode = 'up'

    const second = await startUmbra(env)
    cleanups.push(() => {
      second.child.kill('SIGKILL')
    })
    await eventually(async () => receiver.received.length > 0, 15_000)
    const [delivery] = receiver.received
    expect(new Webhook(secret).verify(delivery.raw, delivery.headers as Record<string, string>)).toMatchObject({
      type: 'link.created',
      data: { code: 'killed-mid-delivery' },
    })
    const log = (await (await fetch(`${second.base}/api/v1/webhooks/1/deliveries`, { headers: json })).json()) as {
      items: { webhookId: string; status: number }[]
    }
    expect(log.items.find((i) => i.status === 200)?.webhookId).toBe(delivery.id)
  }, 60_000)
})
