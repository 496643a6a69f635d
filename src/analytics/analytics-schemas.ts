import { z } from 'zod'
import { ConversionStatsView } from '../conversions/conversion-schemas.ts'
import { Campaign, Code, DomainName, Topic } from '../links/link-schemas.ts'

// The analytics API's queries and views: link stats, reports and the click export.
const Counts = z.record(z.string(), z.number())

export const StatsQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  interval: z.enum(['hour', 'day']).optional(),
})

/** A link's stats: the range, and which domain's code (the default domain when omitted). */
export const LinkStatsQuery = StatsQuery.extend({ domain: DomainName.optional() })

export const LinkStatsView = z.object({
  code: z.string(),
  from: z.string(),
  to: z.string(),
  interval: z.enum(['hour', 'day']),
  clicks: z.number(),
  uniques: z.number(),
  dark: z.number(),
  public: z.number(),
  darkShare: z.number().nullable(),
  previews: z.number(),
  bots: z.number(),
  byMedium: Counts,
  byApp: Counts,
  byVisibility: Counts,
  previewsByApp: Counts,
  byBrowser: Counts,
  byOs: Counts,
  byDevice: Counts,
  byCountry: Counts.describe("human clicks by the visitor's country (ISO 3166-1 alpha-2; 'unknown' when not found)"),
  byCity: Counts.describe(
    "human clicks by the visitor's city, where GEOIP_DB is a City database: 'FR/IDF/Paris' (country, ISO 3166-2 region code, city; the region empty when unknown)",
  ),
  byRule: Counts.describe(
    "human clicks by the rule that answered them: '1' for the link's first rule, '0' when none matched (its url)",
  ),
  lossLedger: z.object({ preview: z.number(), bot: z.number(), head: z.number(), prefetch: z.number() }),
  series: z.array(z.object({ t: z.string(), clicks: z.number(), dark: z.number(), public: z.number() })),
  importedClicks: z
    .number()
    .nullable()
    .describe('the click total of the tool this link was imported from (apart from clicks: it has no time or labels)'),
  importedFrom: z.string().nullable().describe('bitly, shlink, yourls, kutt or csv: where the link was imported from'),
  conversions: ConversionStatsView.describe("conversions reported in the range with this link's click references"),
})

export const Format = z.enum(['json', 'csv']).optional().describe('csv, or send Accept: text/csv')
export const TopicReportQuery = StatsQuery.omit({ interval: true }).extend({
  campaign: Campaign.optional(),
  domain: DomainName.optional().describe('links of this short domain only'),
  format: Format,
})
export const ChannelReportQuery = TopicReportQuery.extend({ topic: Topic.optional() })
export const ContentReportQuery = StatsQuery.extend({ format: Format })

export const Tally = z.object({
  clicks: z.number(),
  dark: z.number(),
  public: z.number(),
  darkShare: z.number().nullable(),
  byMedium: Counts,
  previews: z.number(),
  previewsByApp: Counts,
  bots: z.number(),
})
/**
 * A topic's share funnel in one row (GET /reports/funnel has the breakdowns): kit links only for previews and
 * clicks; ?domain= keeps the kits made on that short domain (their pages' beacons included).
 */
export const TopicFunnelTotals = z.object({
  shares: z.number().describe('share actions: share buttons pressed and passages copied'),
  sharesSeen: z.number().describe('link previews of the kit links'),
  clicks: z.number().describe('human clicks of the kit links'),
  reshares: z.number().describe('address-bar arrivals: readers who came through another reader’s page address'),
  arrivals: z.number().describe('page arrivals the page tag saw'),
  viaShortLink: z.number(),
  unattributed: z.number().describe('dark arrivals that no button, short link or address-bar token saw'),
  virality: z.number().nullable().describe('(clicks + reshares) ÷ shares; null without share actions'),
})
/** A channel's share funnel: its button's presses, and what its kit links got. */
export const ChannelFunnelTotals = TopicFunnelTotals.pick({ shares: true, sharesSeen: true, clicks: true }).extend({
  virality: z.number().nullable().describe('clicks ÷ shares; null without share actions'),
})

export const TopicReportView = z.object({
  from: z.string(),
  to: z.string(),
  topics: z.array(z.object({ topic: z.string(), ...Tally.shape, uniques: z.number(), funnel: TopicFunnelTotals })),
})
export const ChannelReportView = z.object({
  from: z.string(),
  to: z.string(),
  channels: z.array(
    z.object({
      channel: z.string(),
      label: z.string(),
      declaredVisibility: z.enum(['private', 'public', 'owned']).nullable(),
      ...Tally.shape,
      funnel: ChannelFunnelTotals,
    }),
  ),
})
export const CountryReportView = z.object({
  from: z.string(),
  to: z.string(),
  countries: z.array(
    z.object({
      country: z.string().describe("ISO 3166-1 alpha-2, or 'unknown'"),
      clicks: z.number().describe('human clicks, counted by UTC day'),
    }),
  ),
})
export const CityReportQuery = ChannelReportQuery.extend({
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .transform((c) => c.toUpperCase())
    .optional()
    .describe('cities of this country only (ISO 3166-1 alpha-2)'),
})
export const CityReportView = z.object({
  from: z.string(),
  to: z.string(),
  cities: z.array(
    z.object({
      country: z.string().describe('ISO 3166-1 alpha-2'),
      region: z.string().nullable().describe("ISO 3166-2 subdivision code without the country ('IDF'), when known"),
      city: z.string().describe('the English name the IP database gives'),
      clicks: z.number().describe('human clicks, counted by UTC day'),
    }),
  ),
})
export const ContentReportView = z.object({
  content: z.object({
    id: z.string(),
    url: z.string(),
    title: z.string().nullable(),
    topics: z.array(z.string()),
    campaign: z.string().nullable(),
    createdAt: z.string(),
  }),
  from: z.string(),
  to: z.string(),
  interval: z.enum(['hour', 'day']),
  totals: Tally.extend({ uniques: z.number() }),
  channels: z.array(z.object({ channel: z.string(), label: z.string(), code: z.string(), ...Tally.shape })),
  series: z.array(
    z.object({ t: z.string(), clicks: z.number(), dark: z.number(), public: z.number(), byChannel: Counts }),
  ),
})

export const ExportQuery = StatsQuery.omit({ interval: true }).extend({
  link: Code.optional(),
  domain: DomainName.optional().describe(
    "with `link`: the short domain of that code (PUBLIC_URL's host when omitted); without: that domain's links only",
  ),
  topic: Topic.optional(),
})

/** The most codes one GET /reports/links asks for: a page of the links list. */
export const MAX_LINK_CODES = 200
export const LinkTotalsQuery = StatsQuery.omit({ interval: true }).extend({
  codes: z
    .string()
    .min(1)
    .max(MAX_LINK_CODES * 65)
    .transform((s) => [...new Set(s.split(','))])
    .pipe(z.array(Code).max(MAX_LINK_CODES, `must name at most ${MAX_LINK_CODES} codes`))
    .describe(`short link codes, comma-separated (at most ${MAX_LINK_CODES})`),
  domain: DomainName.optional().describe(
    "the codes on this short domain only (a code's clicks on every domain when omitted)",
  ),
})
export const LinkTotalsView = z.object({
  from: z.string(),
  to: z.string(),
  links: z.array(
    z.object({ code: z.string(), clicks: z.number(), dark: z.number(), public: z.number(), previews: z.number() }),
  ),
})
