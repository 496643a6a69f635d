import { z } from 'zod'
import { createTwoGenerationMemo } from '../infra/two-generation-memo.ts'
import { MAX_URL_LENGTH } from '../links/url-policy.ts'
import { CHANNEL_IDS } from '../shares/channels.ts'

/** A share action's channel: a kit channel (native included), or copy_text (a copied passage, copy capture). */
export const SHARE_EVENT_CHANNELS = [...CHANNEL_IDS, 'copy_text'] as [string, ...string[]]
export const MAX_GENERATION = 99
const MAX_REFERRER = 1024

// A site's pages come back beacon after beacon: each URL is parsed once, not twice a beacon.
const webUrls = createTwoGenerationMemo<string, boolean>(4096)
function isWebUrl(u: string): boolean {
  let ok = webUrls.get(u)
  if (ok === undefined) {
    ok = /^https?:\/\//i.test(u) && URL.canParse(u)
    webUrls.set(u, ok)
  }
  return ok
}
const WebUrl = z
  .string()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .refine(isWebUrl, 'must be an http(s) URL')
const Token = z.string().regex(/^[0-9A-Za-z]{8}$/, 'must be 8 letters or digits')

const BeaconCommon = {
  /** The content's URL, as its share kit has it. */
  url: WebUrl,
  /** The page the beacon comes from (no fragment); checked against the key's origins. */
  page: WebUrl,
}

export const ShareBeacon = z.strictObject({
  type: z.literal('share'),
  ...BeaconCommon,
  channel: z.enum(SHARE_EVENT_CHANNELS, { error: 'must be a channel id or copy_text' }),
})

export const ArrivalBeacon = z
  .strictObject({
    type: z.literal('arrival'),
    ...BeaconCommon,
    /** document.referrer: classified like a click's Referer, never stored raw. */
    referrer: z.string().max(MAX_REFERRER, `must be at most ${MAX_REFERRER} characters`),
    /** The kit link's code the redirect marked the URL with (#umb=<code>). */
    via: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a short link code')
      .optional(),
    /** The address-bar token the URL carried (another page view's). */
    parent: Token.optional(),
    /** This page view's own token. */
    token: Token.optional(),
    generation: z.int().min(0).max(MAX_GENERATION),
  })
  .refine((b) => (b.parent === undefined) === (b.generation === 0), {
    path: ['generation'],
    message: 'is 0 exactly when the URL carried no address-bar token',
  })

export const Beacon = z.discriminatedUnion('type', [ShareBeacon, ArrivalBeacon]).meta({
  'x-examples': {
    'a reader pressed WhatsApp': {
      value: {
        type: 'share',
        url: 'https://news.example.com/heat-pumps',
        page: 'https://news.example.com/heat-pumps',
        channel: 'whatsapp',
      },
    },
    'a reader opened a forwarded address-bar URL': {
      value: {
        type: 'arrival',
        url: 'https://news.example.com/heat-pumps',
        page: 'https://news.example.com/heat-pumps',
        referrer: '',
        parent: 'q7XbT3kA',
        token: 'Zr81mPq0',
        generation: 1,
      },
    },
  },
})
export type Beacon = z.infer<typeof Beacon>
export type ArrivalBeacon = z.infer<typeof ArrivalBeacon>

/** Beacons cannot set headers: the page's publishable key comes in the URL. */
export const BeaconQuery = z.strictObject({
  key: z.string().max(100).optional().describe('the publishable key (pk_…)'),
})
