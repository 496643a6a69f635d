import type { Queryable } from '../infra/pool.ts'

export type WebhookRow = {
  id: string
  url: string
  events: string[]
  active: boolean
  description: string | null
  failing_since: Date | null
  disabled_reason: string | null
  created_at: Date
  updated_at: Date
}

export type AttemptRow = {
  id: string
  event_id: string
  type: string
  attempted_at: Date
  status: number | null
  latency_ms: number
  response: string | null
  error: string | null
}

const COLUMNS = 'id, url, events, active, description, failing_since, disabled_reason, created_at, updated_at'

export async function insertWebhook(
  db: Queryable,
  w: { url: string; events: string[]; active: boolean; description: string | null; secretSealed: Buffer },
): Promise<WebhookRow> {
  const { rows } = await db.query(
    `insert into webhooks (url, events, active, description, secret_sealed) values ($1, $2, $3, $4, $5)
     returning ${COLUMNS}`,
    [w.url, w.events, w.active, w.description, w.secretSealed],
  )
  return rows[0]
}

export async function listWebhooks(db: Queryable, afterId: string | null, limit: number): Promise<WebhookRow[]> {
  const { rows } = await db.query(
    `select ${COLUMNS} from webhooks where ($1::bigint is null or id > $1) order by id limit $2`,
    [afterId, limit],
  )
  return rows
}

export async function findWebhook(db: Queryable, id: string): Promise<WebhookRow | null> {
  const { rows } = await db.query(`select ${COLUMNS} from webhooks where id = $1`, [id])
  return rows[0] ?? null
}

export type WebhookPatch = { url?: string; events?: string[]; active?: boolean; description?: string | null }

/** Re-activating clears the failure record: the endpoint gets a fresh retry window, its backlog goes out. */
export async function updateWebhook(db: Queryable, id: string, p: WebhookPatch): Promise<WebhookRow | null> {
  const { rows } = await db.query(
    `update webhooks set
       url = coalesce($2, url),
       events = coalesce($3, events),
       active = coalesce($4, active),
       description = case when $5 then $6 else description end,
       failing_since = case when $4 then null else failing_since end,
       disabled_reason = case when $4 then null else disabled_reason end,
       updated_at = now()
     where id = $1
     returning ${COLUMNS}`,
    [id, p.url ?? null, p.events ?? null, p.active ?? null, p.description !== undefined, p.description ?? null],
  )
  return rows[0] ?? null
}

export async function deleteWebhook(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('delete from webhooks where id = $1', [id])
  return rowCount === 1
}

/** The delivery log of one endpoint, newest first. */
export async function listAttempts(
  db: Queryable,
  webhookId: string,
  beforeId: string | null,
  limit: number,
): Promise<AttemptRow[]> {
  const { rows } = await db.query(
    `select a.id, a.event_id, e.type, a.attempted_at, a.status, a.latency_ms, a.response, a.error
     from webhook_attempts a left join webhook_events e on e.id = a.event_id
     where a.webhook_id = $1 and ($2::bigint is null or a.id < $2)
     order by a.id desc limit $3`,
    [webhookId, beforeId, limit],
  )
  return rows
}

/**
 * Makes deliveries of one endpoint due again (delivered or not): one event, or every event of a time
 * range. They keep their webhook-id, so a receiver that already has them can recognise them.
 */
export async function replayDeliveries(
  db: Queryable,
  webhookId: string,
  r: { eventId?: string; from?: string; to?: string },
): Promise<number> {
  const { rowCount } = await db.query(
    `update webhook_deliveries d set state = 'pending', next_attempt_at = now(), delivered_at = null
     from webhook_events e
     where e.id = d.event_id and d.webhook_id = $1
       and ($2::bigint is null or e.id = $2)
       and ($3::timestamptz is null or e.occurred_at >= $3)
       and ($4::timestamptz is null or e.occurred_at < $4)`,
    [webhookId, r.eventId ?? null, r.from ?? null, r.to ?? null],
  )
  return rowCount ?? 0
}
