import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { Principal } from '../api/principal.ts'
import { clientKey } from '../api/rate-limits.ts'
import type { ClickClassifier } from '../clicks/classify/create-click-classifier.ts'
import { clientAddress, type ProxyTrust } from '../infra/client-address.ts'
import { createTwoGenerationMemo } from '../infra/two-generation-memo.ts'
import {
  acceptedHeaders,
  BEACON_BODY_BYTES,
  type BeaconAnswers,
  beaconEventOf,
  beaconRefusal,
  grantOf,
} from './beacon-intake.ts'
import { Beacon } from './beacon-schemas.ts'
import type { FunnelLookups } from './funnel-lookups.ts'
import type { FunnelRecorder } from './funnel-recorder.ts'

// Only the key in the URL, in the shape of a minted key (letters, digits, - and _): nothing to decode, no
// other parameter, and within the query schema's bounds (BeaconQuery).
const BEACON_URL = '/api/v1/beacons?key=pk_'
// What navigator.sendBeacon sends with a string body; any other type is the route's to parse or refuse.
const BEACON_TYPES = new Set(['text/plain;charset=UTF-8', 'text/plain;charset=utf-8', 'text/plain'])
// A page's share presses of one channel, and its arrivals from one referrer without an address-bar token,
// send the same bytes: such a body is parsed and validated once. A body with a fresh token misses.
const VALID_BODIES = 4096

export type BeaconFastPathOptions = {
  classify: ClickClassifier
  recorder: FunnelRecorder
  lookups: FunnelLookups
  mintId: () => number
  proxyTrust: ProxyTrust | null
  answered: BeaconAnswers
  onError: (err: unknown) => void
}

function send204(res: ServerResponse, headers: string[]) {
  res.writeHead(204, headers)
  res.end()
}

/**
 * The common beacon, answered ahead of Fastify (infra/ahead-of-fastify.ts): a POST of a publishable key
 * this instance has cached, with an Origin, text/plain JSON within the route's body limit, from a client
 * not past its failed-authentication budget. Its body is read here; a beacon the route would keep (the
 * same zod schema, origin checks, cached content and kit link, the widget's per-IP limit) is journaled as
 * the route does and gets the route's 204 and headers once its row is on disk. Everything else is handed
 * on to the route with the body as read, so every refusal is the route's own problem+json.
 */
export function installBeaconFastPath(app: FastifyInstance, o: BeaconFastPathOptions) {
  const keys = app.apiKeys
  const failedAuth = app.failedAuth
  const aheadOfFastify = app.aheadOfFastify
  const validBodies = createTwoGenerationMemo<string, Beacon>(VALID_BODIES)

  /** The body as the route's schema would have it, or undefined when the route must answer it. */
  function beaconOf(body: Buffer): Beacon | undefined {
    const text = body.toString('utf8')
    const known = validBodies.get(text)
    if (known !== undefined) return known
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return undefined
    }
    const parsed = Beacon.safeParse(json)
    if (!parsed.success) return undefined
    // Shared by every beacon with these bytes: nothing downstream may change it.
    validBodies.set(text, Object.freeze(parsed.data))
    return parsed.data
  }

  function take(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST') return false
    const url = req.url
    if (url === undefined || !url.startsWith(BEACON_URL)) return false
    const h = req.headers
    const origin = h.origin
    const length = Number(h['content-length'])
    if (
      origin === undefined ||
      h.authorization !== undefined ||
      h['transfer-encoding'] !== undefined ||
      !(length > 0 && length <= BEACON_BODY_BYTES) ||
      !BEACON_TYPES.has(h['content-type'] ?? '')
    )
      return false
    const principal = keys.cachedPrincipal(url.slice(BEACON_URL.length - 3))
    if (principal === undefined || principal.kind !== 'publishable' || !principal.scopes.includes('shares:write'))
      return false
    const ip = clientAddress(req.socket.remoteAddress ?? '', h['x-forwarded-for'] as string | undefined, o.proxyTrust)
    if (failedAuth.blocked.size !== 0 && failedAuth.isBlocked(clientKey(ip))) return false

    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
      let kept = false
      try {
        // The body came in while the server began closing: the route answers (503) rather than a closed journal.
        kept = aheadOfFastify.isOpen() && keep(res, req.headers, body, { principal, origin, ip })
      } catch (err) {
        o.onError(err)
      }
      if (!kept) aheadOfFastify.handOn(req, res, body)
    })
    // A client that goes away mid-body gets no answer, as from the route.
    req.on('error', () => {})
    return true
  }

  /** The route's steps for a beacon it would keep; false (nothing done) for any other. */
  function keep(
    res: ServerResponse,
    headers: IncomingHttpHeaders,
    body: Buffer,
    { principal, origin, ip }: { principal: Principal; origin: string; ip: string },
  ): boolean {
    const beacon = beaconOf(body)
    if (beacon === undefined) return false
    if (beaconRefusal(principal, beacon, origin) !== null) return false
    const contentId = o.lookups.cachedContentIdOf(beacon.url)
    if (typeof contentId !== 'string') return false
    const viaLinkId = beacon.type === 'arrival' && beacon.via ? o.lookups.cachedKitLinkOf(beacon.via, contentId) : null
    if (viaLinkId === undefined) return false
    // Last, so that a beacon handed on is counted once, by the route.
    const headers204 = app.widgetAllowance(ip)
    if (headers204 === null) return false
    const event = beaconEventOf(beacon, headers, o.classify, { id: o.mintId(), contentId, at: Date.now() }, viaLinkId)
    if (event) o.recorder.record(event)
    app.noteKeyUse(principal.keyId)
    o.answered.fast++
    const accepted = acceptedHeaders(grantOf(principal, origin))
    for (const name in accepted) headers204.push(name, accepted[name])
    o.recorder.afterWrite(send204, res, headers204)
    return true
  }

  aheadOfFastify.add({ name: 'beacons', serve: take, onError: o.onError })
}
