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
