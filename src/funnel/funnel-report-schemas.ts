import { z } from 'zod'
import { FunnelConversionsView } from '../conversions/conversion-schemas.ts'
import { StatsQuery } from '../analytics/analytics-schemas.ts'
import { RowId } from '../infra/id-cursor.ts'
import { Campaign, DomainName, Topic } from '../links/link-schemas.ts'

// GET /reports/funnel's query and answer (funnel-report-routes.ts).
export const FunnelQuery = StatsQuery.omit({ interval: true })
  .extend({
    content: RowId('a content id').optional(),
    topic: Topic.optional(),
    campaign: Campaign.optional(),
    domain: DomainName.optional().describe('the kits made on this short domain only'),
    format: z.enum(['json', 'csv']).optional().describe('csv, or send Accept: text/csv'),
  })
  .refine((q) => [q.content, q.topic, q.campaign].filter((v) => v !== undefined).length === 1, {
    path: ['content'],
    message: 'name exactly one of content, topic, campaign',
  })

const Counts = z.record(z.string(), z.number())
export const FunnelReportView = z.object({
  from: z.string(),
  to: z.string(),
  shares: z.object({ total: z.number(), byChannel: Counts }),
  sharesSeen: z.object({ total: z.number(), byApp: Counts, nativeByApp: Counts }),
  clicks: z.object({ total: z.number(), dark: z.number(), public: z.number(), byMedium: Counts }),
  addressBar: z.object({ arrivals: z.number(), byGeneration: Counts }),
  arrivals: z.object({
    total: z.number(),
    dark: z.number(),
    public: z.number(),
    viaShortLink: z.number(),
    viaAddressBar: z.number(),
    unattributed: z.number(),
    byMedium: Counts,
    byApp: Counts,
  }),
  virality: z.number().nullable(),
  conversions: FunnelConversionsView,
})
