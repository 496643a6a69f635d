import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { callerOf } from '../api/principal.ts'
import type { ClickClassifier } from '../clicks/classify/create-click-classifier.ts'
import { replayBody } from '../infra/ahead-of-fastify.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import { refusalCors } from '../shares/widget-cors.ts'
import {
  acceptedHeaders,
  BEACON_BODY_BYTES,
  type BeaconAnswers,
  beaconEventOf,
  beaconRefusal,
  grantOf,
} from './beacon-intake.ts'
import { Beacon, BeaconQuery } from './beacon-schemas.ts'
import type { FunnelLookups } from './funnel-lookups.ts'
import type { FunnelRecorder } from './funnel-recorder.ts'

export type BeaconRoutesOptions = {
  /** The clicks' classifier: arrivals are labelled as clicks are. */
  classify: ClickClassifier
  recorder: FunnelRecorder
  lookups: FunnelLookups
  /** Event ids as click ids are minted (generation × 2^32 + counter): a replayed batch is recognised. */
  mintId: () => number
  answered: BeaconAnswers
}

/**
 * POST /beacons: the page tag's share actions and page arrivals. Sent with navigator.sendBeacon, so
 * the publishable key is in the URL and the body is text/plain JSON (no preflight). The key's origins
 * must include the page's Origin, the content's URL and the page's URL; the content must already have
 * a kit (a beacon never makes one). Arrivals are labelled by the clicks' own classifier. The common
 * beacon is answered ahead of Fastify (beacon-fast-path.ts); this route answers the rest, and app.inject().
 */
export const beaconRoutes: FastifyPluginAsync<BeaconRoutesOptions> = async (app, opts) => {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { answered } = opts
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
  const send204 = (reply: FastifyReply, grant: string | undefined) => {
    reply.headers(acceptedHeaders(grant))
    answered.route++
    void reply.code(204).send()
  }

  api.post(
    '/beacons',
    {
      config: { scope: 'shares:write', limit: 'ip-widget', widget: true, publishableKeyInQuery: true },
      bodyLimit: BEACON_BODY_BYTES,
      // A beacon the fast path read and left to this route: its body as the fast path received it.
      preParsing: replayBody,
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
      const refusal = beaconRefusal(principal, beacon, origin)
      if (refusal) throw Problem.forbidden(refusal)
      const contentId = await opts.lookups.contentIdOf(beacon.url)
      if (!contentId) throw Problem.notFound(`share kit for ${beacon.url}`)
      const viaLinkId =
        beacon.type === 'arrival' && beacon.via ? await opts.lookups.kitLinkOf(beacon.via, contentId) : null
      const ids = { id: opts.mintId(), contentId, at: Date.now() }
      const event = beaconEventOf(beacon, request.headers, opts.classify, ids, viaLinkId)
      if (event) opts.recorder.record(event)
      // The 204 leaves once the event is in the journal (at the end of this turn of the event loop).
      opts.recorder.afterWrite(send204, reply, grantOf(principal, origin))
      return reply
    },
  )
}
