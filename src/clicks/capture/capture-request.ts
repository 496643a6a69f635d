import type { IncomingMessage } from 'node:http'
import { clientAddress, type ProxyTrust } from '../../infra/client-address.ts'
import type { Place, PlaceLookup } from './country-lookup.ts'

/**
 * What capture reads from a request: method, client address and a few headers (the first value of each),
 * read by readRawCaptureRequest below for the fast path and the Fastify route alike.
 */
export type CaptureRequest = {
  method: string
  ip: string
  userAgent: string | undefined
  referer: string | undefined
  requestedWith: string | undefined
  acceptLanguage: string | undefined
  /** Sec-Purpose, Purpose or X-Moz: where browsers say a request is a prefetch. */
  purpose: string | undefined
  /** DNT: 1 or Sec-GPC: 1. */
  optsOut: boolean
  /**
   * The visitor's country, the one country field of a captured click (link rules read it too): COUNTRY_HEADER's
   * value when the proxy sent one, else the IP database's answer for the client address (GEOIP_DB), else none.
   * The address is looked up and never kept.
   */
  country: string | undefined
  /** The region and city the IP database names for the address, when it knows them and agrees on the country. */
  region: string | undefined
  city: string | undefined
}

/** Whether a header name as sent equals `lower` (a lower-case token) ignoring case, without building a string. */
function isHeader(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false
  if (name === lower) return true
  // | 0x20 lower-cases A–Z and leaves '-' and a–z alone; other bytes cannot reach a token's letters.
  for (let i = 0; i < name.length; i++) if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false
  return true
}

/**
 * A CaptureRequest read straight from a request's raw header list: Node builds `req.headers` (an object
 * of every header, names lower-cased) only when it is read, and the fast path never reads it. The same
 * answers as reading Node's parsed headers (capture-request.test.ts checks both ways), except that a
 * repeated header counts by its first value (Node keeps the first User-Agent and Referer, and joins the rest),
 * but for X-Forwarded-For, joined as Node joins it, so the client address is the one Fastify's request.ip names.
 */
export function readRawCaptureRequest(
  req: IncomingMessage,
  countryHeader: string | undefined,
  proxyTrust: ProxyTrust | null,
  placeOf: PlaceLookup | null = null,
): CaptureRequest {
  const r: CaptureRequest = {
    method: req.method ?? 'GET',
    ip: '',
    userAgent: undefined,
    referer: undefined,
    requestedWith: undefined,
    acceptLanguage: undefined,
    purpose: undefined,
    optsOut: false,
    country: undefined,
    region: undefined,
    city: undefined,
  }
  let forwardedFor: string | undefined
  let secPurpose: string | undefined
  let purpose: string | undefined
  let xMoz: string | undefined
  const raw = req.rawHeaders
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]
    const value = raw[i + 1]
    switch (name.length) {
      case 3:
        if (isHeader(name, 'dnt')) r.optsOut ||= value === '1'
        break
      case 5:
        if (isHeader(name, 'x-moz')) xMoz ??= value
        break
      case 7:
        if (isHeader(name, 'referer')) r.referer ??= value
        else if (isHeader(name, 'purpose')) purpose ??= value
        else if (isHeader(name, 'sec-gpc')) r.optsOut ||= value === '1'
        break
      case 10:
        if (isHeader(name, 'user-agent')) r.userAgent ??= value
        break
      case 11:
        if (isHeader(name, 'sec-purpose')) secPurpose ??= value
        break
      case 15:
        if (isHeader(name, 'accept-language')) r.acceptLanguage ??= value
        else if (isHeader(name, 'x-forwarded-for'))
          forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`
        break
      case 16:
        if (isHeader(name, 'x-requested-with')) r.requestedWith ??= value
        break
    }
    if (countryHeader !== undefined && isHeader(name, countryHeader)) r.country ??= value
  }
  r.purpose = secPurpose ?? purpose ?? xMoz
  r.ip = clientAddress(req.socket.remoteAddress ?? '', forwardedFor, proxyTrust)
  if (placeOf !== null && (r.country === undefined || placeOf.cities === true)) placeIn(r, placeOf(r.ip))
  return r
}

/** The lookup's answer into the request: its country unless COUNTRY_HEADER named one, its region and city when the two
 * agree on the country. */
function placeIn(r: CaptureRequest, place: Place | null) {
  if (place === null) return
  r.country ??= place.country
  if (r.country.toUpperCase() !== place.country) return
  r.region = place.region ?? undefined
  r.city = place.city ?? undefined
}
