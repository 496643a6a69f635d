import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { ClassifierExtra } from '../clicks/classify/classifier-extra.ts'
import { classifyContextFor, createClickClassifier } from '../clicks/classify/create-click-classifier.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import { originOf, publishableKeyRefusal } from '../shares/publishable-origin.ts'
import { corsGrant, refusalCors } from '../shares/widget-cors.ts'
import { Beacon, BeaconQuery } from './beacon-schemas.ts'
import { arrivalOf, type FunnelEvent } from './funnel-event.ts'
import type { FunnelLookups } from './funnel-lookups.ts'
import type { FunnelRecorder } from './funnel-recorder.ts'
import { callerOf } from '../api/principal.ts'

// One beacon is a few hundred bytes; anything bigger is not the page tag.
const BEACON_BODY_BYTES = 4096
const MAX_USER_AGENT = 512
const MAX_REQUESTED_WITH = 256

export type BeaconRoutesOptions = {
  publicUrl: string
  /** CLASSIFIER_EXTRA's entries: arrivals are labelled as clicks are. */
  classifierExtra?: ClassifierExtra
  recorder: FunnelRecorder
  lookups: FunnelLookups
  /** Event ids as click ids are minted (generation × 2^32 + counter): a replayed batch is recognised. */
  mintId: () => number
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)
const send204 = (reply: FastifyReply, origin: string | undefined) => {
  if (origin) reply.headers(corsGrant(origin))
  void reply.code(204).send()
}

/**
 * POST /beacons: the page tag's share actions and page arrivals. Sent with navigator.sendBeacon, so
 * the publishable key is in the URL and the body is text/plain JSON (no preflight). The key's origins
 * must include the page's Origin, the content's URL and the page's URL; the content must already have
 * a kit (a beacon never makes one). Arrivals are labelled by the clicks' own classifier.
 */
export const beaconRoutes: FastifyPluginAsync<BeaconRoutesOptions> = async (app, opts) => {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const classify = createClickClassifier(classifyContextFor(opts))
  // The /api/v1 scope refuses text/plain; a beacon's JSON comes as text/plain (CORS-safelisted).
  app.addContentTypeParser(
    'text/plain',
    { parseAs: 'string', bodyLimit: BEACON_BODY_BYTES },
    (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string))
      } catch {
        done(Problem.field('body', 'must be JSON'), undefined)
      }
    },
  )

  api.post(
    '/beacons',
    {
      config: { scope: 'shares:write', limit: 'ip-widget', widget: true, publishableKeyInQuery: true },
      bodyLimit: BEACON_BODY_BYTES,
      onSend: refusalCors,
      schema: {
        tags: ['funnel'],
        summary:
          "The page tag's beacons: a share action (a share button pressed) or a page arrival, for a content that has a kit",
        querystring: BeaconQuery,
        body: Beacon,
        response: {
          204: z.null().describe('kept (a non-human page view is answered so, and not counted)'),
          ...problemResponses(404),
        },
      },
    },
    async (request, reply) => {
      const beacon = request.body
      const principal = callerOf(request)
      const origin = request.headers.origin
      const refusal =
        publishableKeyRefusal(principal, beacon.url, origin) ?? publishableKeyRefusal(principal, beacon.page, origin)
      if (refusal) throw Problem.forbidden(refusal)
      const contentId = await opts.lookups.contentIdOf(beacon.url)
      if (!contentId) throw Problem.notFound(`share kit for ${beacon.url}`)
      const at = Date.now()
      const event = await eventOf(beacon, request, contentId, at)
      if (event) opts.recorder.record(event)
      const grant = principal.kind === 'publishable' && origin ? (originOf(origin) ?? undefined) : undefined
      // The 204 leaves once the event is in the journal (at the end of this turn of the event loop).
      opts.recorder.afterWrite(send204, reply, grant)
      return reply
    },
  )

  async function eventOf(
    beacon: Beacon,
    request: FastifyRequest,
    contentId: string,
    at: number,
  ): Promise<FunnelEvent | null> {
    if (beacon.type === 'share') return { type: 'share', id: opts.mintId(), contentId, at, channel: beacon.channel }
    const label = classify({
      ua: (request.headers['user-agent'] ?? '').slice(0, MAX_USER_AGENT),
      referrer: beacon.referrer,
      requestedWith: first(request.headers['x-requested-with'])?.slice(0, MAX_REQUESTED_WITH),
    })
    const viaLinkId = beacon.via ? await opts.lookups.kitLinkOf(beacon.via, contentId) : null
    return arrivalOf(beacon, label, viaLinkId, { id: opts.mintId(), contentId, at })
  }
}
