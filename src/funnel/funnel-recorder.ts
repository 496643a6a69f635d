import { Problem } from '../infra/problem.ts'
import type { FunnelEvent } from './funnel-event.ts'

/**
 * Where the beacon route hands its events: a second event kind through the clicks' journal → batch →
 * COPY pipeline (each event on disk before its 204 leaves, written to Postgres exactly once).
 */
export type FunnelRecorder = {
  /** Synchronous: the event joins this turn's journal write. */
  record(event: FunnelEvent): void
  /** Calls send(a, b) once the events recorded so far are in the journal. */
  afterWrite<A, B>(send: (a: A, b: B) => void, a: A, b: B): void
}

/**
 * Beacon ingestion, NOT PLUGGED IN: the generic event pipeline (src/clicks re-cut) is not on this
 * branch yet, and beacons must not get a pipeline copy of their own. Every valid beacon is refused
 * with 503 and nothing is written, so no answer ever claims an event that was not kept.
 */
export const funnelIngestionUnplugged: FunnelRecorder = {
  record() {
    throw new Problem(503, 'funnel-ingestion-unplugged', 'Beacon ingestion unavailable', 'this build does not store share funnel beacons yet')
  },
  afterWrite: (send, a, b) => send(a, b),
}
