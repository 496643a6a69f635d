import type { IncomingMessage } from 'node:http'
import type { CaptureOutcome } from '../clicks/capture/capture-click.ts'
import { readRawCaptureRequest, type CaptureRequest } from '../clicks/capture/capture-request.ts'
import type { PlaceLookup } from '../clicks/capture/country-lookup.ts'
import type { ProxyTrust } from '../infra/client-address.ts'
import type { ResolvedLink } from '../links/link-cache.ts'
import { CODE_CHARACTERS, MAX_CODE_LENGTH } from '../links/link-code.ts'
import { appAnswer, escapePage, SCRIPTED_PAGE_CSP } from './routing-pages.ts'

// What the fast path (redirect-fast-path.ts) and the route (redirect-routes.ts) answer alike: which paths
// are codes, which links are live, the 302's headers and how a request is read for capture.

/** Every code ever minted matches this; anything else is answered without a lookup. */
export const ANY_CODE = new RegExp(`^[${CODE_CHARACTERS}]{1,${MAX_CODE_LENGTH}}$`)
/** `/code` or `/code?query`: the code is group 1. */
export const CODE_PATH = new RegExp(`^/([${CODE_CHARACTERS}]{1,${MAX_CODE_LENGTH}})(?:\\?|$)`)

/** A conversion-tracking link's target with the click's reference added (src/conversions/click-reference.ts). */
export type ClickReferencer = (url: string, clickId: number, atMs: number) => string

/** Where a 302 points: `url` (the link's answer), with the click reference when the link tracks conversions. */
export const locationOf = (
  link: ResolvedLink,
  url: string,
  clickId: number | null,
  referencer: ClickReferencer | undefined,
) =>
  link.conversionTracking === true && clickId !== null && referencer !== undefined
    ? referencer(url, clickId, Date.now())
    : url

/** A link redirects unless it is disabled or has expired. */
export const isLive = (link: ResolvedLink, now: number) =>
  !link.disabled && (link.expiresAtMs === null || link.expiresAtMs > now) && !isSpent(link)

const isSpent = (link: ResolvedLink) =>
  link.routing !== null && link.routing.maxClicks !== null && link.routing.humanClicks >= link.routing.maxClicks

/**
 * Where a link that is not live sends a visitor instead of its 410 page: its fallbackUrl, when it expired or
 * spent its clicks (a disabled link has none).
 */
export const fallbackOf = (link: ResolvedLink): string | null =>
  link.disabled || link.routing === null ? null : link.routing.fallbackUrl

/** A link whose visitors type a password first: only the route answers it (the form, then POST /:code). */
export const needsPassword = (link: ResolvedLink) => link.routing !== null && link.routing.passwordHash !== null

/** A page answered instead of a 302 (in-app escape, app opener), with its Content-Security-Policy. */
export type PageAnswer = { html: string; csp: string }

/**
 * What a live link answers a click, once capture has labelled it and chosen its rule: the rule's url (else
 * the link's); from an in-app browser, with inAppEscape, a page that leaves for the system browser; from
 * iOS or Android, when no rule answered and the link has an app target, the app. A plain link: its url.
 */
export function answerOf(link: ResolvedLink, outcome: CaptureOutcome): string | PageAnswer {
  const r = link.routing
  if (r === null) return link.url
  const url = outcome.rule > 0 ? r.rules[outcome.rule - 1].url : link.url
  const label = outcome.label
  if (label === null) return url
  if (r.inAppEscape && label.medium === 'in_app') return { html: escapePage(url, label.os), csp: SCRIPTED_PAGE_CSP }
  if (outcome.rule === 0 && r.deepLinks !== null && (label.os === 'iOS' || label.os === 'Android')) {
    const app = appAnswer(label.os, r.deepLinks, url)
    if (typeof app === 'string') return app
    if (app !== null) return { html: app.html, csp: SCRIPTED_PAGE_CSP }
  }
  return url
}

/** The headers of a page answer for ServerResponse.writeHead: the pages' security headers with its own CSP. */
export const pageHeaderList = (security: Readonly<Record<string, string>>, page: PageAnswer) => {
  const list: string[] = []
  for (const [name, value] of Object.entries(security)) if (name !== 'content-security-policy') list.push(name, value)
  list.push('content-security-policy', page.csp, 'content-type', 'text/html; charset=utf-8')
  list.push(
    'cache-control',
    CACHE_CONTROL,
    'x-robots-tag',
    ROBOTS,
    'content-length',
    String(Buffer.byteLength(page.html)),
  )
  return list
}

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
