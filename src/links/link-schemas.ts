import { z } from 'zod'
import { normalizeHost } from '../domains/host-name.ts'
import { pageLimit } from '../infra/page-limit.ts'
import { CreateRouting, RoutingView, UpdateRouting } from './link-routing-schemas.ts'
import { MAX_URL_LENGTH } from './url-policy.ts'
import { UNSAFE_TEXT_CHARS, UNSAFE_TEXT_MESSAGE } from './unsafe-text.ts'

export const Topic = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(64)
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N} _.&+-]*$/u,
    'must start with a letter or digit and use letters, digits, space, _ . & + -',
  )
export const Topics = z
  .array(Topic)
  .max(20)
  .transform((t) => [...new Set(t)])
export const ChannelId = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a lower-case channel id such as whatsapp')
const safeText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !UNSAFE_TEXT_CHARS.test(s), UNSAFE_TEXT_MESSAGE)
export const Campaign = safeText(100)
export const Title = safeText(300)
// A code read from a path or query: no code holds such a character, and NUL would fail in Postgres.
export const Code = z
  .string()
  .min(1)
  .max(64)
  .refine((s) => !UNSAFE_TEXT_CHARS.test(s), UNSAFE_TEXT_MESSAGE)
/** A short domain named in the API (GET /api/v1/domains); whether it is served is checked by the route. */
export const DomainName = z
  .string()
  .min(1)
  .max(253)
  .transform(normalizeHost)
  .describe("a domain this server serves; PUBLIC_URL's host when omitted")

export const CreateLink = z
  .strictObject({
    url: z.string().max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`),
    code: z.string().max(64).optional(),
    domain: DomainName.optional(),
    title: Title.optional(),
    channel: ChannelId.optional(),
    topics: Topics.optional(),
    campaign: Campaign.optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    ...CreateRouting,
    conversionTracking: z
      .boolean()
      .optional()
      .describe('the redirect adds a click reference (umb_click) to the target, for conversions'),
    // x-examples, not examples: zod drops `examples` from the input schema of anything with a transform (topics).
  })
  .meta({
    'x-examples': {
      'link for a channel': {
        value: {
          url: 'https://example.com/article',
          code: 'spring-sale',
          channel: 'whatsapp',
          topics: ['climate'],
          campaign: 'spring',
        },
      },
      'random code, expiring': { value: { url: 'https://example.com/pricing', expiresAt: '2027-01-01T00:00:00Z' } },
      'rules: iPhones to the App Store, French readers to the French page, out of Instagram': {
        value: {
          url: 'https://example.com/app',
          rules: [
            { if: { device: 'ios' }, url: 'https://apps.apple.com/app/id000000000' },
            { if: { language: ['fr'] }, url: 'https://example.com/fr/app' },
          ],
          inAppEscape: true,
        },
      },
      'password, click limit and fallback': {
        value: {
          url: 'https://example.com/preview',
          password: 'open sesame',
          maxClicks: 100,
          fallbackUrl: 'https://example.com/',
        },
      },
    },
  })
export type CreateLink = z.infer<typeof CreateLink>

export const UpdateLink = z
  .strictObject({
    url: z.string().max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`).optional(),
    title: Title.nullable().optional(),
    channel: ChannelId.nullable().optional(),
    topics: Topics.optional(),
    campaign: Campaign.nullable().optional(),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
    disabled: z.boolean().optional(),
    ...UpdateRouting,
    conversionTracking: z
      .boolean()
      .optional()
      .describe('the redirect adds a click reference (umb_click) to the target, for conversions'),
  })
  .meta({
    'x-examples': {
      'new target, no title': { value: { url: 'https://example.com/article-v2', title: null } },
      're-enable': { value: { disabled: false } },
    },
  })
export type UpdateLink = z.infer<typeof UpdateLink>

export const LinkParams = z.strictObject({ code: Code })
/** Which domain's code a link route means: the same code may live on several domains. */
export const LinkDomainQuery = z.strictObject({ domain: DomainName.optional() })

export const ListLinksQuery = z.strictObject({
  limit: pageLimit(50),
  cursor: z.string().max(64).optional(),
  domain: DomainName.optional(),
  topic: Topic.optional(),
  channel: ChannelId.optional(),
  campaign: Campaign.optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine((s) => !UNSAFE_TEXT_CHARS.test(s), UNSAFE_TEXT_MESSAGE)
    .optional(),
})
export type ListLinksQuery = z.infer<typeof ListLinksQuery>

export const LinkView = z
  .object({
    code: z.string(),
    shortUrl: z.string(),
    domain: z.string().describe('the host of the short URL'),
    url: z.string(),
    title: z.string().nullable(),
    channel: z.string().nullable(),
    topics: z.array(z.string()),
    campaign: z.string().nullable(),
    contentId: z.string().nullable().describe('the share kit content this link belongs to, if any'),
    expiresAt: z.string().nullable(),
    disabled: z.boolean(),
    conversionTracking: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    ...RoutingView,
  })
  .meta({
    examples: [
      {
        code: 'spring-sale',
        shortUrl: 'https://umbra.example/spring-sale',
        domain: 'umbra.example',
        url: 'https://example.com/article',
        title: null,
        channel: 'whatsapp',
        topics: ['climate'],
        campaign: 'spring',
        contentId: '42',
        expiresAt: null,
        disabled: false,
        conversionTracking: false,
        createdAt: '2026-11-29T08:00:00.000Z',
        updatedAt: '2026-11-29T08:00:00.000Z',
        rules: [{ if: { device: 'ios' }, url: 'https://apps.apple.com/app/id000000000' }],
        deepLinks: null,
        inAppEscape: false,
        passwordProtected: false,
        maxClicks: null,
        fallbackUrl: null,
      },
    ],
  })
export type LinkView = z.infer<typeof LinkView>

export const LinkList = z.object({ items: z.array(LinkView), nextCursor: z.string().nullable() })
