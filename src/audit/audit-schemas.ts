import { z } from 'zod'
import { pageLimit } from '../infra/page-limit.ts'

export const AuditQuery = z.strictObject({
  actor: z
    .string()
    .max(254)
    .optional()
    .describe('a person\'s email or id, a key\'s id, "ADMIN_API_KEY" or "umbra CLI"'),
  entity: z.string().max(40).optional().describe('link, kit, key, member, invitation, domain, setting'),
  entityId: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: pageLimit(100),
  cursor: z.string().max(64).optional(),
  format: z.enum(['json', 'csv']).default('json'),
})

export const AuditEntryView = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ kind: z.string(), id: z.string().nullable(), name: z.string() }),
    entity: z.string(),
    entityId: z.string(),
    action: z.string(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({
    examples: [
      {
        id: '41',
        at: '2026-12-01T09:00:00.000Z',
        actor: { kind: 'person', id: '2', name: 'ada@example.com' },
        entity: 'link',
        entityId: 'spring-sale',
        action: 'update',
        before: { title: 'Sale' },
        after: { title: 'Spring sale' },
      },
    ],
  })

export const AuditPage = z.object({ items: z.array(AuditEntryView), nextCursor: z.string().nullable() })

export const HistoryParams = z.strictObject({
  entity: z.enum(['link', 'kit']),
  id: z.string().min(1).max(200),
})
export const History = z.object({ items: z.array(AuditEntryView) })
