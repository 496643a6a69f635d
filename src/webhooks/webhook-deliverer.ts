import type { FastifyBaseLogger } from 'fastify'
import type { Pool } from '../infra/database.ts'
import { CLICK_RUN_COLUMNS, clickEventBody, clickLists, isEmptyClickList } from './click-delivery.ts'
import type { ClickRun } from './click-lists.ts'
import { retryDelayMs } from './retry-delay.ts'
import { postWebhook, type PostOutcome, type PostPolicy } from './webhook-post.ts'
import type { SecretBox } from './webhook-secret.ts'
import { signedHeaders, webhookIdOf } from './webhook-signature.ts'

/**
 * The deliverer's own connections: building a large click delivery never holds one the click batches or
 * the API wait for. A delivery reads a few thousand clicks at most: a parallel worker would cost more to
 * start than it saves.
 */
export const DELIVERY_POOL_OPTIONS = {
  max: 2,
  application_name: 'umbra-webhooks',
  options: '-c max_parallel_workers_per_gather=0',
} as const

export type DelivererOptions = PostPolicy & {
  pool: Pool
  secrets: SecretBox
  log: FastifyBaseLogger
  publicUrl: string
  retryBaseMs: number
  retryMaxMs: number
  disableAfterHours: number
  pollMs: number
  retentionDays: number
  /** While the event loop is saturated, deliveries wait until they are this late (0: never wait). */
  maxLagMs: number
  /** Deliveries in flight at once per instance. */
  concurrency?: number
}

/** Event loop utilisation over a poll interval above which delivery is left for later (up to maxLagMs). */
export const SATURATED_UTILIZATION = 0.8
const PROBE_MS = 5

// The statements run per delivery are prepared (named) once per connection: parsing and planning them
// each time cost Postgres more than running them.
// $3: how late a delivery must be to be claimed now (the max lag while the event loop is saturated, else 0).
// Claimed deliveries are pushed past the attempt's timeout (a lease) and committed at once: no other
// instance takes them meanwhile (SKIP LOCKED passes over rows being claimed), and a process killed
// mid-delivery leaves them due again once the lease runs out.
const CLAIM = `
with due as (
  select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id
  where d.state = 'pending' and d.next_attempt_at <= now() - make_interval(secs => $3) and w.active
  order by d.next_attempt_at, d.id
  limit $1
  for update of d skip locked
)
update webhook_deliveries d
set next_attempt_at = now() + make_interval(secs => $2), attempts = d.attempts + 1
from due, webhooks w, webhook_events e
where d.id = due.id and w.id = d.webhook_id and e.id = d.event_id
returning d.id, d.webhook_id, d.event_id, d.attempts, w.url, w.secret_sealed, e.type, e.occurred_at, e.data,
  ${CLICK_RUN_COLUMNS}`

// The successes of a claim in one statement (parallel arrays, in the order they were answered): one commit
// for all of them instead of one each.
const DELIVERED = `
with done (id, webhook_id, event_id, status, latency_ms, response) as (
  select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::int[], $5::int[], $6::text[])
), delivery as (
  update webhook_deliveries d set state = 'delivered', delivered_at = now() from done where d.id = done.id
), endpoint as (
  update webhooks set failing_since = null where id in (select webhook_id from done) and failing_since is not null
)
insert into webhook_attempts (webhook_id, event_id, status, latency_ms, response)
select webhook_id, event_id, status, latency_ms, response from done`

// A click event whose clicks are all relabelled as not persons since has nothing to send.
const NOTHING_TO_SEND = `update webhook_deliveries set state = 'delivered', delivered_at = now() where id = $1`

// An endpoint failing for longer than the window is disabled with its reason; its deliveries stay pending.
const FAILED = `
with delivery as (
  update webhook_deliveries set next_attempt_at = now() + make_interval(secs => $7) where id = $1
), endpoint as (
  update webhooks set
    failing_since = coalesce(failing_since, now()),
    active = active and not coalesce(failing_since < now() - $8::float8 * interval '1 hour', false),
    disabled_reason = case when failing_since < now() - $8::float8 * interval '1 hour'
      then 'failing since ' || to_char(failing_since at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ': ' || $9
      else disabled_reason end
  where id = $2
)
insert into webhook_attempts (webhook_id, event_id, status, latency_ms, response, error) values ($2, $3, $4, $5, $6, $9)`

// Delivered events past the retention, and their log; an event with a delivery still pending stays.
const SWEEP = `
with attempts as (
  delete from webhook_attempts where attempted_at < now() - make_interval(days => $1)
), delivered as (
  delete from webhook_deliveries where state = 'delivered' and delivered_at < now() - make_interval(days => $1)
)
delete from webhook_events e
where e.occurred_at < now() - make_interval(days => $1)
  and not exists (select 1 from webhook_deliveries d where d.event_id = e.id and d.state = 'pending')`
const SWEEP_EVERY_MS = 3_600_000

type Claimed = ClickRun & {
  id: string
  webhook_id: string
  event_id: string
  attempts: number
  url: string
  secret_sealed: Buffer
  type: string
  occurred_at: Date
  data: Record<string, unknown>
}

/** What a receiver gets: link events carry the short URL too (on the link's own short domain, if any). */
export function deliveryBody(type: string, occurredAt: Date, data: Record<string, unknown>, publicUrl: string) {
  const protocol = new URL(publicUrl).protocol
  const withShortUrl = (l: Record<string, unknown>) => ({
    ...l,
    shortUrl: `${l.domain ? `${protocol}//${l.domain}` : publicUrl}/${l.code}`,
  })
  let shown = data
  if (type.startsWith('link.')) shown = withShortUrl(data)
  else if (type === 'share.created')
    shown = { ...data, links: (data.links as Record<string, unknown>[]).map(withShortUrl) }
  return JSON.stringify({ type, timestamp: occurredAt.toISOString(), data: shown })
}

/**
 * Delivers due webhook deliveries from Postgres, any number of instances side by side: claim a few
 * (SKIP LOCKED), POST them signed, record each attempt; a failure is retried later with backoff.
 */
export function createWebhookDeliverer(o: DelivererOptions) {
  const concurrency = o.concurrency ?? 8
  const leaseSeconds = (2 * o.timeoutMs + 1000) / 1000
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> | null = null

  /** Delivers one claimed delivery; a success is added to `delivered` (recorded with the claim's others). */
  async function deliver(d: Claimed, clicks: Map<string, string>, delivered: unknown[][]) {
    let outcome: PostOutcome
    try {
      let body: Buffer
      if (d.type === 'click') {
        const list = clicks.get(d.event_id) ?? '[]'
        if (isEmptyClickList(list)) {
          await o.pool.query({ name: 'webhook-nothing-to-send', text: NOTHING_TO_SEND, values: [d.id] })
          return
        }
        // The bytes alone are kept while the request is out: the list's string can go.
        body = Buffer.from(clickEventBody(d.occurred_at, list))
        clicks.delete(d.event_id)
      } else body = Buffer.from(deliveryBody(d.type, d.occurred_at, d.data, o.publicUrl))
      const headers = signedHeaders(o.secrets.open(d.secret_sealed), webhookIdOf(d.event_id), nowSeconds(), body)
      outcome = await postWebhook(d.url, headers, body, o)
    } catch (err) {
      outcome = { status: null, latencyMs: 0, response: null, error: (err as Error).message }
    }
    const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300
    const logged = [d.id, d.webhook_id, d.event_id, outcome.status, outcome.latencyMs, outcome.response]
    if (ok) delivered.push(logged)
    else {
      const error = outcome.error ?? `answered ${outcome.status}`
      const delay = retryDelayMs(d.attempts, o.retryBaseMs, o.retryMaxMs) / 1000
      await o.pool.query({
        name: 'webhook-failed',
        text: FAILED,
        values: [...logged, delay, o.disableAfterHours, error],
      })
    }
  }

  let sweptAt = 0

  /**
   * Claims and delivers until nothing is due; `late` says before each claim how many seconds late a delivery
   * must be to be claimed now. Sweeps old events once an hour.
   */
  async function round(late: () => Promise<number> = async () => 0) {
    if (Date.now() - sweptAt > SWEEP_EVERY_MS) {
      sweptAt = Date.now()
      await o.pool.query(SWEEP, [o.retentionDays])
    }
    for (;;) {
      if (stopped) return
      const lateSeconds = await late()
      const { rows } = await o.pool.query<Claimed>({
        name: 'webhook-claim',
        text: CLAIM,
        values: [concurrency, leaseSeconds, lateSeconds],
      })
      if (rows.length === 0) return
      const clicks = await clickLists(
        o.pool,
        rows.filter((d) => d.type === 'click'),
      )
      const delivered: unknown[][] = []
      await Promise.all(
        rows.map((d) =>
          deliver(d, clicks, delivered).catch((err) => o.log.warn({ err }, 'webhook delivery not recorded')),
        ),
      )
      if (delivered.length > 0) {
        const columns = [0, 1, 2, 3, 4, 5].map((i) => delivered.map((logged) => logged[i]))
        await o.pool
          .query({ name: 'webhook-delivered', text: DELIVERED, values: columns })
          .catch((err) => o.log.warn({ err }, 'webhook deliveries not recorded'))
      }
    }
  }

  // Delivery is background work: while requests keep the event loop saturated, it takes only deliveries
  // already maxLagMs late, so the redirects keep the core and no delivery waits much longer. The first claim
  // of a round reads the loop over the poll interval; the next ones over a short pause, when none of this
  // deliverer's own work runs.
  function pacer() {
    let since = performance.eventLoopUtilization()
    let first = true
    return async () => {
      if (o.maxLagMs === 0) return 0
      if (!first) {
        since = performance.eventLoopUtilization()
        await new Promise((r) => setTimeout(r, PROBE_MS))
      }
      first = false
      return performance.eventLoopUtilization(since).utilization > SATURATED_UTILIZATION ? o.maxLagMs / 1000 : 0
    }
  }

  function schedule() {
    if (stopped) return
    const late = pacer()
    timer = setTimeout(() => {
      running = round(late)
        .catch((err) => o.log.warn({ err }, 'webhook deliveries could not be claimed'))
        .finally(() => {
          running = null
          schedule()
        })
    }, o.pollMs)
  }

  return {
    start: schedule,
    /** Delivers what is due now (tests; the timer does the same). */
    deliverDue: () => round(),
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000)
