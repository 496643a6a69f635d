import { z } from 'zod'
import { Campaign, DomainName, Topic } from '../links/link-schemas.ts'
import { UNSAFE_TEXT_CHARS, UNSAFE_TEXT_MESSAGE } from '../links/unsafe-text.ts'

export const RecordConversion = z
  .strictObject({
    click: z.string().max(64).describe('the click reference the redirect added to the landing URL (umb_click)'),
    event: z
      .string()
      .regex(/^[a-z][a-z0-9_.-]{0,39}$/, 'must be lead, sale or a lower-case name of your own (a-z, 0-9, _ . -)'),
    value: z.number().min(0).max(1e12).optional(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as EUR')
      .transform((c) => c.toUpperCase())
      .optional(),
    externalId: z
      .string()
      .min(1)
      .max(200)
      .refine((s) => !UNSAFE_TEXT_CHARS.test(s), UNSAFE_TEXT_MESSAGE)
      .optional()
      .describe('your id for this conversion: a retry with the same one is counted once'),
  })
  .refine((c) => (c.value === undefined) === (c.currency === undefined), {
    message: 'value and currency go together',
    path: ['currency'],
  })
  .meta({
    'x-examples': {
      sale: {
        value: {
          click: 'q3J8x0kzY2m1Vb7n4Rt9Aw',
          event: 'sale',
          value: 42.5,
          currency: 'EUR',
          externalId: 'order-1001',
        },
      },
      lead: { value: { click: 'q3J8x0kzY2m1Vb7n4Rt9Aw', event: 'lead' } },
    },
  })
export type RecordConversion = z.infer<typeof RecordConversion>

export const ConversionView = z.object({
  id: z.string(),
  event: z.string(),
  value: z.number().nullable(),
  currency: z.string().nullable(),
  externalId: z.string().nullable(),
  code: z.string().describe("the click's link"),
  channel: z.string().nullable(),
  medium: z.string().nullable(),
  app: z.string().nullable(),
  visibility: z.string().nullable().describe('dark or public: how the click arrived'),
  clickedAt: z.string(),
  createdAt: z.string(),
})

const Counts = z.record(z.string(), z.number())

export const ConversionStatsView = z.object({
  total: z.number().int(),
  byEvent: Counts,
  value: Counts.describe('summed value per currency'),
  byMedium: Counts,
  byApp: Counts,
})

export const ConversionReportQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  topic: Topic.optional(),
  campaign: Campaign.optional(),
  domain: DomainName.optional().describe('links of this short domain only'),
  format: z.enum(['json', 'csv']).optional().describe('csv, or send Accept: text/csv'),
})

export const FunnelConversionsView = z
  .object({
    total: z.number().int(),
    dark: z.number().int(),
    public: z.number().int(),
    byMedium: Counts,
    value: Counts,
    darkValue: Counts,
    rate: z.number().nullable().describe('conversions per human click'),
  })
  .describe("conversions reported with the funnel's click references")

const Share = z.number().nullable().describe('0–1, null when there is nothing to share')

export const ConversionReportView = z.object({
  from: z.string(),
  to: z.string(),
  total: z.number().int(),
  value: Counts,
  dark: z.object({
    conversions: z.number().int(),
    share: Share,
    value: Counts,
    valueShare: z.record(z.string(), Share).describe('dark share of revenue, per currency'),
  }),
  byChannelMedium: z.array(
    z.object({ channel: z.string(), medium: z.string(), conversions: z.number().int(), value: Counts }),
  ),
  byTopic: z.array(z.object({ topic: z.string(), conversions: z.number().int(), value: Counts })),
  byChannel: z.array(
    z.object({
      channel: z.string(),
      clicks: z.number().int().describe('human clicks'),
      conversions: z.number().int(),
      rate: Share.describe('conversions per human click'),
      value: Counts,
    }),
  ),
})
