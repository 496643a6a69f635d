import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebhookReceiver } from '../../test/support/webhook-receiver.ts'
import { auth, createScratchDatabase, eventually, startTestApp, type TestApp } from '../../test/support/test-app.ts'

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const INSTAGRAM =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 329.0.0.40.100 (iPhone14,2; iOS 17_4; en_US; en; scale=3.00; 1170x2532; 602012345)'
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

// Fast retries so "down for a while" is a few hundred milliseconds.
const FAST = {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_POLL_MS: '30',
  WEBHOOK_RETRY_BASE_MS: '40',
  WEBHOOK_RETRY_MAX_MS: '200',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_CLICK_BATCH: '3',
  SECRET_KEY: 'webhook-test-server-secret-0123456789abcdef',
}

let scratch: NonNullable<Awaited<ReturnType<typeof createScratchDatabase>>>
let a: TestApp
let b: TestApp
let strict: TestApp
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>
let secret: string
let hookId: string

const post = (t: TestApp, url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: auth, payload })

beforeAll(async () => {
  const db = await createScratchDatabase()
  if (!db) throw new Error('webhook tests need the real Postgres')
  scratch = db
  // Batches sealed every 500 ms (or on flush()): the clicks below go in one batch.
  a = await startTestApp({ ...FAST, CLICK_FLUSH_MS: '500', DATABASE_URL: scratch.url })
  b = await startTestApp({ ...FAST, DATABASE_URL: scratch.url })
  strict = await startTestApp({ ...FAST, WEBHOOK_ALLOW_PRIVATE: 'false', DATABASE_URL: scratch.url })
  receiver = await startWebhookReceiver()
  const res = await post(a, '/api/v1/webhooks', {
    url: receiver.url,
    events: ['link.created', 'link.updated', 'link.disabled', 'share.created', 'click'],
  })
  expect(res.statusCode).toBe(201)
  secret = res.json().secret
  hookId = res.json().id
}, 60_000)

afterAll(async () => {
  for (const t of [a, b, strict]) await t?.close()
  await receiver?.close()
  await scratch?.drop()
})

/** Standard Webhooks' reference library accepts the delivery (throws otherwise). */
const verify = (r: { raw: string; headers: Record<string, unknown> }) =>
  new Webhook(secret).verify(r.raw, r.headers as Record<string, string>)

describe('webhooks', () => {
  it('shows the secret once and keeps it sealed in Postgres', async () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
    const read = await a.app.inject({ url: `/api/v1/webhooks/${hookId}`, headers: auth })
    expect(read.statusCode).toBe(200)
    expect(read.json()).not.toHaveProperty('secret')
    const { rows } = await a.app.pg.query('select secret_sealed from webhooks where id = $1', [hookId])
    const sealed: Buffer = rows[0].secret_sealed
    expect(sealed.includes(Buffer.from(secret.slice(6), 'base64'))).toBe(false)
    expect(sealed.toString('latin1')).not.toContain(secret.slice(6))
  })

  it('delivers link events signed per Standard Webhooks, verified by the reference library', async () => {
    const created = await post(a, '/api/v1/links', { url: 'https://example.com/hooked', code: 'hooked' })
    expect(created.statusCode).toBe(201)
    await a.app.inject({ method: 'PATCH', url: '/api/v1/links/hooked', headers: auth, payload: { title: 'T' } })
    await a.app.inject({ method: 'DELETE', url: '/api/v1/links/hooked', headers: auth })
    const kit = await post(a, '/api/v1/shares', { url: 'https://example.com/kit-hooked', channels: ['whatsapp'] })
    expect(kit.statusCode).toBe(201)

    const byType = (type: string) => receiver.ofType(type).filter((r) => r.body.data.code === 'hooked')
    await eventually(
      async () =>
        receiver.ofType('share.created').length > 0 &&
        ['link.created', 'link.updated', 'link.disabled'].every((type) => byType(type).length > 0),
    )
    const [createdEvent] = byType('link.created')
    expect(verify(createdEvent)).toMatchObject({ type: 'link.created', data: { code: 'hooked' } })
    expect(createdEvent.body.data.shortUrl).toBe('http://umbra.test/hooked')
    expect(byType('link.updated')[0].body.data.title).toBe('T')
    expect(byType('link.disabled')[0].body.data.disabled).toBe(true)
    const share = receiver.ofType('share.created')[0]
    verify(share)
    expect(share.body.data.url).toBe('https://example.com/kit-hooked')
    expect((share.body.data.links ?? []).map((l) => l.channel)).toContain('whatsapp')
    // A tampered body does not verify.
    expect(() => verify({ ...createdEvent, raw: createdEvent.raw.replace('hooked', 'hacked') })).toThrow()
  })

  it('sends link.created for imported links too', async () => {
    const res = await a.app.inject({
      method: 'POST',
      url: '/api/v1/imports?format=csv',
      headers: { ...auth, 'content-type': 'text/csv' },
      payload: 'code,url,tags\nimported-1,https://example.com/i1,shoes\nimported-2,https://example.com/i2,\n',
    })
    expect(res.statusCode, res.body).toBe(200)
    const imported = () => receiver.ofType('link.created').filter((r) => r.body.data.code?.startsWith('imported-'))
    await eventually(async () => imported().length === 2)
    expect(imported().find((r) => r.body.data.code === 'imported-1')?.body.data.topics).toEqual(['shoes'])
  })

  it('delivers human clicks in batches with their labels, never one request per click', async () => {
    await post(a, '/api/v1/links', { url: 'https://example.com/clicked', code: 'clicked', channel: 'whatsapp' })
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        a.app.inject({ url: '/clicked', headers: { 'user-agent': i % 2 ? INSTAGRAM : CHROME } }),
      ),
    )
    await a.app.inject({ url: '/clicked', headers: { 'user-agent': GOOGLEBOT } })
    await a.app.clicks.writer.flush()
    const clicks = () =>
      receiver.ofType('click').flatMap((r) => (r.body.data.clicks ?? []).filter((c) => c.code === 'clicked'))
    await eventually(async () => clicks().length >= 5)
    expect(clicks()).toHaveLength(5)
    const deliveries = receiver
      .ofType('click')
      .filter((r) => (r.body.data.clicks ?? []).some((c) => c.code === 'clicked'))
    // At most 3 clicks a delivery (WEBHOOK_CLICK_BATCH), and clicks of one batch share deliveries.
    expect(deliveries.every((d) => (d.body.data.clicks ?? []).length <= 3)).toBe(true)
    expect(deliveries.length).toBeLessThan(5)
    for (const d of deliveries) verify(d)
    const instagram = clicks().find((c) => c.app === 'instagram')
    expect(instagram).toMatchObject({ code: 'clicked', channel: 'whatsapp', medium: 'in_app', visibility: 'dark' })
    expect(new Set(clicks().map((c) => c.id)).size).toBe(5)
  })

  it('keeps retrying while the receiver is down, then delivers every event once per webhook-id', async () => {
    receiver.state.mode = 'down'
    const codes = Array.from({ length: 6 }, (_, i) => `outage-${i}`)
    for (const code of codes) await post(a, '/api/v1/links', { url: `https://example.com/${code}`, code })
    const failures = async () =>
      (await a.app.inject({ url: `/api/v1/webhooks/${hookId}/deliveries?limit=200`, headers: auth }))
        .json()
        .items.filter((i: { status: number }) => i.status === 503)
    await eventually(async () => (await failures()).length >= 12, 10_000)
    expect((await failures())[0]).toMatchObject({ response: 'down for maintenance', type: 'link.created' })
    receiver.state.mode = 'up'
    const delivered = () =>
      [...receiver.unique().values()].filter(
        (r) => r.body.type === 'link.created' && codes.includes(r.body.data.code ?? ''),
      )
    await eventually(async () => delivered().length === codes.length, 10_000)
    expect(
      delivered()
        .map((r) => r.body.data.code)
        .sort(),
    ).toEqual(codes)
    // The receiver has the events before the deliverer has recorded its answers: the endpoint heals then.
    const hook = async () => (await a.app.inject({ url: `/api/v1/webhooks/${hookId}`, headers: auth })).json()
    await eventually(async () => (await hook()).failingSince === null, 10_000)
    expect(await hook()).toMatchObject({ active: true, failingSince: null })
  })

  it('two instances deliver one outbox: nothing lost, nothing sent twice at once', async () => {
    receiver.state.holdMs = 30
    const before = receiver.received.length
    const codes = Array.from({ length: 40 }, (_, i) => `pair-${i}`)
    await Promise.all(
      codes.map((code, i) => post(i % 2 ? a : b, '/api/v1/links', { url: `https://example.com/${code}`, code })),
    )
    const events = async () =>
      (await a.app.pg.query("select count(*)::int as n from webhook_deliveries where state = 'pending'")).rows[0].n ===
      0
    await eventually(events, 15_000)
    receiver.state.holdMs = 0
    const got = receiver.received.slice(before).filter((r) => codes.includes(r.body.data.code ?? ''))
    expect(got.map((r) => r.body.data.code ?? '').sort()).toEqual([...codes].sort())
    expect(new Set(got.map((r) => r.id)).size).toBe(codes.length)
    expect(receiver.state.overlaps).toBe(0)
  })

  it('replays one event with its webhook-id', async () => {
    const log = (await a.app.inject({ url: `/api/v1/webhooks/${hookId}/deliveries`, headers: auth })).json()
    const ok = log.items.find((i: { status: number }) => i.status === 200)
    const count = () => receiver.received.filter((r) => r.id === ok.webhookId).length
    const already = count()
    const res = await post(a, `/api/v1/webhooks/${hookId}/replay`, { eventId: ok.eventId })
    expect(res.statusCode).toBe(202)
    expect(res.json().replayed).toBe(1)
    await eventually(async () => count() === already + 1)
  })

  it('refuses private targets without WEBHOOK_ALLOW_PRIVATE, at creation and at each delivery', async () => {
    for (const url of [
      receiver.url,
      'https://127.0.0.1/hook',
      'https://localhost/hook',
      'https://[::1]/x',
      'https://10.1.2.3/x',
    ]) {
      const res = await post(strict, '/api/v1/webhooks', { url, events: ['click'] })
      expect(res.statusCode, url).toBe(400)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(res.json().errors[0].field).toBe('url')
    }
    // An endpoint accepted elsewhere is still refused by an instance that does not allow private targets.
    const { rows } = await strict.app.pg.query(
      `select count(*)::int as n from webhook_attempts where webhook_id = $1 and error like 'target refused%'`,
      [hookId],
    )
    expect(rows[0].n).toBeGreaterThan(0)
  })

  it('disables an endpoint failing longer than the window, keeps its backlog, and resumes on re-activation', async () => {
    const hooks = await startTestApp({ ...FAST, WEBHOOK_DISABLE_AFTER_HOURS: '0.0002', DATABASE_URL: scratch.url })
    try {
      receiver.state.mode = 'down'
      await post(hooks, '/api/v1/links', { url: 'https://example.com/backlog', code: 'backlog' })
      const hook = async () => (await hooks.app.inject({ url: `/api/v1/webhooks/${hookId}`, headers: auth })).json()
      await eventually(async () => (await hook()).active === false, 15_000)
      expect((await hook()).disabledReason).toMatch(/^failing since .*: answered 503$/)
      receiver.state.mode = 'up'
      const patched = await hooks.app.inject({
        method: 'PATCH',
        url: `/api/v1/webhooks/${hookId}`,
        headers: auth,
        payload: { active: true },
      })
      expect(patched.json()).toMatchObject({ active: true, disabledReason: null })
      await eventually(async () => receiver.ofType('link.created').some((r) => r.body.data.code === 'backlog'), 10_000)
    } finally {
      receiver.state.mode = 'up'
      await hooks.close()
    }
  })

  it('sweeps delivered events past the retention, keeping undelivered ones', async () => {
    const old = async (state: string) =>
      (
        await a.app.pg.query(
          `with e as (insert into webhook_events (type, occurred_at, data) values ('link.created', now() - interval '40 days', '{}') returning id),
           d as (insert into webhook_deliveries (webhook_id, event_id, state, delivered_at, next_attempt_at)
                 select $1, id, $2, case when $2 = 'delivered' then now() - interval '40 days' end, now() + interval '1 day' from e)
           select id from e`,
          [hookId, state],
        )
      ).rows[0].id
    const [delivered, pending] = [await old('delivered'), await old('pending')]
    const sweeper = await startTestApp({ ...FAST, DATABASE_URL: scratch.url })
    try {
      const exists = async (id: string) =>
        (await a.app.pg.query('select 1 from webhook_events where id = $1', [id])).rowCount === 1
      await eventually(async () => !(await exists(delivered)))
      expect(await exists(pending)).toBe(true)
    } finally {
      await sweeper.close()
    }
  })

  it('records but does not send on an instance with WEBHOOK_DELIVERY=false', async () => {
    const quiet = await createScratchDatabase()
    if (!quiet) throw new Error('webhook tests need the real Postgres')
    const node = await startTestApp({ ...FAST, WEBHOOK_DELIVERY: 'false', DATABASE_URL: quiet.url })
    try {
      const hook = await post(node, '/api/v1/webhooks', { url: receiver.url, events: ['link.created'] })
      expect(hook.statusCode).toBe(201)
      await post(node, '/api/v1/links', { url: 'https://example.com/quiet', code: 'quiet-node' })
      const sent = () => receiver.ofType('link.created').some((r) => r.body.data.code === 'quiet-node')
      await new Promise((r) => setTimeout(r, 300)) // ten poll intervals of the other instances' setting
      expect(sent()).toBe(false)
      await node.app.webhooks.deliverDue()
      expect(sent()).toBe(true)
    } finally {
      await node.close()
      await quiet.drop()
    }
  })
})
