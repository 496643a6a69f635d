import { z } from 'zod'
import { RowId } from '../infra/id-cursor.ts'
import { pageLimit } from '../infra/page-limit.ts'
import { Campaign, DomainName, Title, Topic, Topics } from '../links/link-schemas.ts'
import { MAX_URL_LENGTH } from '../links/url-policy.ts'
import { CHANNEL_IDS } from './channels.ts'

export const ShareChannel = z.enum(CHANNEL_IDS, { error: `must be one of ${CHANNEL_IDS.join(', ')}` })
export const ShareChannels = z
  .array(ShareChannel)
  .min(1)
  .max(CHANNEL_IDS.length)
  .transform((c) => [...new Set(c)])
const UtmValue = z.string().trim().min(1).max(100)

export const UtmOptions = z.union([
  z.boolean(),
  z.strictObject({ medium: UtmValue.optional(), campaign: UtmValue.optional() }),
])
export type UtmOptions = z.infer<typeof UtmOptions>

export const CreateShareKit = z
  .strictObject({
    url: z.string().max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`),
    title: Title.optional(),
    topics: Topics.optional(),
    campaign: Campaign.optional(),
    channels: ShareChannels.optional(),
    /** Off by default. true: utm_source=<channel>, utm_medium from the channel, utm_campaign from campaign. */
    utm: UtmOptions.optional(),
    domain: DomainName.optional().describe(
      "the short domain the kit's links are minted on (GET /api/v1/domains); omitted: the kit's own, or PUBLIC_URL's host for a new kit",
    ),
    // x-examples, not examples: zod drops `examples` from the input schema of anything with a transform (topics).
  })
  .meta({
    'x-examples': {
      'a CMS on publish': {
        value: {
          url: 'https://news.example.com/2026/heat-pumps',
          title: 'Heat pumps & you',
          topics: ['climate', 'energy'],
          campaign: 'winter',
          channels: ['whatsapp', 'email', 'x', 'copy'],
        },
      },
      'default channels, UTM-tagged targets': { value: { url: 'https://news.example.com/2026/heat-pumps', utm: true } },
      'on a branded short domain': {
        value: { url: 'https://news.example.com/2026/heat-pumps', domain: 'go.news.example' },
      },
    },
  })
export type CreateShareKit = z.infer<typeof CreateShareKit>

/** What the widget may ask for with a publishable key: no campaign, no UTM (those belong to the site's owner). */
export const WidgetKitRequest = CreateShareKit.pick({
  url: true,
  title: true,
  topics: true,
  channels: true,
  domain: true,
}).meta({
  'x-examples': {
    'the widget on an article': {
      value: {
        url: 'https://news.example.com/2026/heat-pumps',
        title: 'Heat pumps & you',
        topics: ['climate'],
        channels: ['whatsapp', 'email', 'x', 'copy'],
      },
    },
  },
})
export type WidgetKitRequest = z.infer<typeof WidgetKitRequest>

export const IdempotencyKeyHeader = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be 1 to 255 visible ASCII characters')

export const ContentView = z.object({
  id: z.string(),
  url: z.string(),
  title: z.string().nullable(),
  topics: z.array(z.string()),
  campaign: z.string().nullable(),
  confirmed: z
    .boolean()
    .describe(
      "false: made by a publishable key, so its title and topics are the caller's claim and stay out of share intents until a secret key confirms the kit (POST /shares, PATCH)",
    ),
  conversionTracking: z.boolean(),
  domain: z.string().describe("the host of the kit's short links"),
  createdAt: z.string(),
})
export type ContentView = z.infer<typeof ContentView>

export const KitLinkView = z.object({
  channel: z.string(),
  label: z.string(),
  visibility: z.enum(['private', 'public', 'owned']),
  shareMethod: z.enum(['intent', 'copy', 'qr', 'native']),
  code: z.string(),
  shortUrl: z.string(),
  url: z.string(),
  shareUrl: z.string(),
  desktopShareUrl: z.string().nullable(),
})
export type KitLinkView = z.infer<typeof KitLinkView>

export const ShareKitView = z.object({ content: ContentView, links: z.array(KitLinkView) })
export type ShareKitView = z.infer<typeof ShareKitView>

export const ShareKitList = z.object({ items: z.array(ShareKitView), nextCursor: z.string().nullable() })

export const UpdateShareKit = z
  .strictObject({
    title: Title.nullable().optional(),
    topics: Topics.optional(),
    campaign: Campaign.nullable().optional(),
    conversionTracking: z
      .boolean()
      .optional()
      .describe('every link of the kit (and its later ones) adds a click reference to its target, for conversions'),
  })
  .refine((u) => Object.keys(u).length > 0, {
    message: 'name at least one of title, topics, campaign, conversionTracking',
  })
  .meta({
    'x-examples': {
      'retagged article': { value: { title: 'Heatwave, explained (updated)', topics: ['climate', 'health'] } },
    },
  })
export type UpdateShareKit = z.infer<typeof UpdateShareKit>

export const ShareParams = z.strictObject({ id: RowId('a content id') })

export const ListSharesQuery = z.strictObject({
  limit: pageLimit(20),
  cursor: z.string().max(64).optional(),
  topic: Topic.optional(),
  campaign: Campaign.optional(),
})

/** The headers a kit's creation reads. */
export const KitHeaders = z.looseObject({ 'idempotency-key': IdempotencyKeyHeader.optional() })

/** GET /links/:code/qr (qr-routes.ts). */
export const QrQuery = z.strictObject({
  domain: DomainName.optional(),
  size: z.coerce.number().int().min(64).max(2048).default(512).describe('PNG width and height in pixels'),
})
