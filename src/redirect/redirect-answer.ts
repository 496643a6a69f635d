import type { IncomingMessage } from 'node:http'
import { readRawCaptureRequest, type CaptureRequest } from '../clicks/capture/capture-request.ts'
import type { PlaceLookup } from '../clicks/capture/country-lookup.ts'
import type { ProxyTrust } from '../infra/client-address.ts'
import type { ResolvedLink } from '../links/link-cache.ts'
import { CODE_CHARACTERS, MAX_CODE_LENGTH } from '../links/link-code.ts'

// What the fast path (redirect-fast-path.ts) and the route (redirect-routes.ts) answer alike: which paths
// are codes, which links are live, the 302's headers and how a request is read for capture.

/** Every code ever minted matches this; anything else is answered without a lookup. */
export const ANY_CODE = new RegExp(`^[${CODE_CHARACTERS}]{1,${MAX_CODE_LENGTH}}$`)
/** `/code` or `/code?query`: the code is group 1. */
export const CODE_PATH = new RegExp(`^/([${CODE_CHARACTERS}]{1,${MAX_CODE_LENGTH}})(?:\\?|$)`)

/** A conversion-tracking link's target with the click's reference added (src/conversions/click-reference.ts). */
export type ClickReferencer = (url: string, clickId: number, atMs: number) => string

/** Where a 302 points: the link's target, with the click reference when the link tracks conversions. */
export const locationOf = (link: ResolvedLink, clickId: number | null, referencer: ClickReferencer | undefined) =>
  link.conversionTracking === true && clickId !== null && referencer !== undefined
    ? referencer(link.url, clickId, Date.now())
    : link.url

/** A link redirects unless it is disabled or has expired. */
export const isLive = (link: ResolvedLink, now: number) =>
  !link.disabled && (link.expiresAtMs === null || link.expiresAtMs > now)

// 302, not 301: browsers cache a 301 and we would never see the next click.
export const REDIRECT_STATUS = 302
const CACHE_CONTROL = 'private, no-store'
const ROBOTS = 'noindex'
/** The 302's headers besides Location, for a Fastify reply. */
export const REDIRECT_HEADERS = { 'cache-control': CACHE_CONTROL, 'x-robots-tag': ROBOTS } as const
/** The whole 302 header list for ServerResponse.writeHead: the same headers, Location and an empty body. */
export const redirectHeaderList = (url: string) => [
  'location',
  url,
  'cache-control',
  CACHE_CONTROL,
  'x-robots-tag',
  ROBOTS,
  'content-length',
  '0',
]

/** Reads what capture needs from a request's raw headers, as configured (TRUST_PROXY, COUNTRY_HEADER, GEOIP_DB). */
export const captureRequestReader =
  (o: { proxyTrust: ProxyTrust | null; countryHeader: string | undefined; placeOf?: PlaceLookup | null }) =>
  (req: IncomingMessage): CaptureRequest =>
    readRawCaptureRequest(req, o.countryHeader, o.proxyTrust, o.placeOf ?? null)
