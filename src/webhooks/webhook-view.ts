import type { AttemptRow, WebhookRow } from './webhook-repository.ts'
import type { AttemptView, WebhookView } from './webhook-schemas.ts'
import { webhookIdOf } from './webhook-signature.ts'
import type { z } from 'zod'

export function toWebhookView(row: WebhookRow): z.infer<typeof WebhookView> {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    active: row.active,
    description: row.description,
    failingSince: row.failing_since?.toISOString() ?? null,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

export function toAttemptView(row: AttemptRow): z.infer<typeof AttemptView> {
  return {
    id: row.id,
    eventId: row.event_id,
    webhookId: webhookIdOf(row.event_id),
    type: row.type,
    attemptedAt: row.attempted_at.toISOString(),
    status: row.status,
    latencyMs: row.latency_ms,
    response: row.response,
    error: row.error,
  }
}
