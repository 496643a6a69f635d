import type { Classification } from '../clicks/classify/classification.ts'
import type { ArrivalBeacon } from './beacon-schemas.ts'

/** Where an arrival came from: a kit link, another page view's address bar, or nothing we saw. */
export type ArrivalSource = 'via_short_link' | 'address_bar' | 'unattributed' | 'public'

export type ShareEvent = { type: 'share'; id: number; contentId: string; at: number; channel: string }
export type ArrivalEvent = {
  type: 'arrival'
  id: number
  contentId: string
  at: number
  medium: string
  app: string | null
  visibility: 'dark' | 'public'
  source: ArrivalSource
  generation: number
  /** The kit link that brought the reader, when it is one of this content's. */
  linkId: string | null
  token: string | null
  parentToken: string | null
}
export type FunnelEvent = ShareEvent | ArrivalEvent

/**
 * A human arrival's labels: via short link when the redirect's marker names one of the content's links
 * (its click is already counted: the arrival is not a second one), via address bar when the URL
 * carried another page view's token (one generation deeper), otherwise unattributed when dark and
 * public when not. Non-human page views (bots running scripts, previews) are not arrivals: null.
 */
export function arrivalOf(
  beacon: Pick<ArrivalBeacon, 'parent' | 'token' | 'generation'>,
  label: Classification,
  viaLinkId: string | null,
  ids: { id: number; contentId: string; at: number },
): ArrivalEvent | null {
  if (label.kind !== 'human' || !label.medium || !label.visibility) return null
  const source: ArrivalSource =
    viaLinkId !== null
      ? 'via_short_link'
      : beacon.parent
        ? 'address_bar'
        : label.visibility === 'dark'
          ? 'unattributed'
          : 'public'
  return {
    type: 'arrival',
    ...ids,
    medium: label.medium,
    app: label.app,
    visibility: label.visibility,
    source,
    generation: source === 'address_bar' ? beacon.generation : 0,
    linkId: viaLinkId,
    token: beacon.token ?? null,
    parentToken: source === 'address_bar' ? (beacon.parent ?? null) : null,
  }
}
