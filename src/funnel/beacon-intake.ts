import type { Principal } from '../api/principal.ts'
import type { ClickClassifier } from '../clicks/classify/create-click-classifier.ts'
import { originOf, publishableKeyRefusal } from '../shares/publishable-origin.ts'
import { corsGrant } from '../shares/widget-cors.ts'
import type { Beacon } from './beacon-schemas.ts'
import { arrivalOf, type FunnelEvent } from './funnel-event.ts'

// What the beacon route (beacon-routes.ts) and its fast path (beacon-fast-path.ts) do alike, written once.

/** One beacon is a few hundred bytes; anything bigger is not the page tag. */
export const BEACON_BODY_BYTES = 4096
const MAX_USER_AGENT = 512
const MAX_REQUESTED_WITH = 256

/** 204s of POST /api/v1/beacons: by the fast path or by the route. */
export type BeaconAnswers = { fast: number; route: number }

/** Why the caller may not send this beacon from this page (the key's origins), or null when it may. */
export const beaconRefusal = (principal: Principal, beacon: Beacon, origin: string | undefined): string | null =>
  publishableKeyRefusal(principal, beacon.url, origin) ?? publishableKeyRefusal(principal, beacon.page, origin)

/** The page's origin, as normalised, when the 204 is for a publishable key's page; else no CORS grant. */
export const grantOf = (principal: Principal, origin: string | undefined): string | undefined =>
  principal.kind === 'publishable' && origin ? (originOf(origin) ?? undefined) : undefined

/** The headers of the 204 beyond the rate limit's: the CORS grant of the page's origin. */
export const acceptedHeaders = (grant: string | undefined): Record<string, string> => (grant ? corsGrant(grant) : {})

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

/**
 * The event a valid, allowed beacon makes: a share, or an arrival labelled by the clicks' classifier from
 * the beacon's own User-Agent and X-Requested-With and the page's referrer. Null: a page view that is not
 * a person (answered, not counted). `viaLinkId`: the kit link its `via` code names, if one of the content's.
 */
export function beaconEventOf(
  beacon: Beacon,
  headers: { 'user-agent'?: string; 'x-requested-with'?: string | string[] },
  classify: ClickClassifier,
  ids: { id: number; contentId: string; at: number },
  viaLinkId: string | null,
): FunnelEvent | null {
  if (beacon.type === 'share') return { type: 'share', ...ids, channel: beacon.channel }
  const label = classify({
    ua: (headers['user-agent'] ?? '').slice(0, MAX_USER_AGENT),
    referrer: beacon.referrer,
    requestedWith: first(headers['x-requested-with'])?.slice(0, MAX_REQUESTED_WITH),
  })
  return arrivalOf(beacon, label, viaLinkId, ids)
}
