import { z } from 'zod'
import { pageLimit } from '../infra/page-limit.ts'

export const WEBHOOK_EVENTS = [
  'link.created',
  'link.updated',
  'link.disabled',
  'share.created',
  'click',
  'conversion',
] as const

const WebhookUrl = z.string().max(2048, 'must be at most 2048 characters')
const Events = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1)
  .max(WEBHOOK_EVENTS.length)
  .transform((e) => [...new Set(e)])
const Description = z.string().trim().max(200).nullable()

export const CreateWebhook = z
  .strictObject({
    url: WebhookUrl,
    events: Events,
    active: z.boolean().default(true),
    description: Description.optional(),
  })
  .meta({
    'x-examples': {
      'CRM endpoint': {
        value: { url: 'https://crm.example.com/hooks/umbra', events: ['click', 'conversion', 'link.created'] },
      },
    },
  })

export const UpdateWebhook = z
  .strictObject({
    url: WebhookUrl.optional(),
    events: Events.optional(),
    active: z.boolean().optional().describe('true re-activates an endpoint disabled for failing; its backlog goes out'),
    description: Description.optional(),
  })
  .meta({
    'x-examples': {
      're-activate after an outage': { value: { active: true } },
      'also conversions': { value: { events: ['click', 'conversion'] } },
    },
  })

export const WebhookParams = z.object({ id: z.string().regex(/^[1-9]\d{0,18}$/, 'must be a webhook id') })

export const WebhookView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  active: z.boolean(),
  description: z.string().nullable(),
  failingSince: z.string().nullable().describe('when its deliveries started failing, if they are'),
  disabledReason: z.string().nullable().describe('why it was disabled, when it failed for too long'),
  createdAt: z.string(),
  updatedAt: z.string(),
})

export const CreatedWebhook = WebhookView.extend({
  secret: z.string().describe('the signing secret (whsec_…), shown only in this answer'),
})

export const ListQuery = z.object({ limit: pageLimit(50), cursor: z.string().max(64).optional() })

export const WebhookList = z.object({ items: z.array(WebhookView), nextCursor: z.string().nullable() })

export const AttemptView = z.object({
  id: z.string(),
  eventId: z.string(),
  webhookId: z.string().describe('the webhook-id header receivers deduplicate on'),
  type: z.string().nullable(),
  attemptedAt: z.string(),
  status: z.number().int().nullable().describe('the HTTP status answered, null when none came'),
  latencyMs: z.number().int(),
  response: z.string().nullable().describe('the start of the response body'),
  error: z.string().nullable(),
})

export const AttemptList = z.object({ items: z.array(AttemptView), nextCursor: z.string().nullable() })

export const Replay = z
  .strictObject({
    eventId: z
      .string()
      .regex(/^[1-9]\d{0,18}$/)
      .optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((r) => r.eventId !== undefined || r.from !== undefined, 'give eventId, or a time range from (and to)')
  .meta({
    'x-examples': {
      'one event': { value: { eventId: '42' } },
      'a day': { value: { from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' } },
    },
  })

export const ReplayAnswer = z.object({ replayed: z.number().int() })
