import type { FastifyBaseLogger } from 'fastify'
import type { Journal } from './journal.ts'

const TURN_BUFFER_BYTES = 64 * 1024

type Release = (a: unknown, b: unknown) => void

/** What the disk refused of a turn (disk full, I/O error): kept in memory until its batch commits. */
export type Unjournaled = { rows: Buffer; side: string }

export type JournalGateOptions = {
  journal: Pick<Journal, 'write'>
  log: FastifyBaseLogger
  /** A row's bytes at most. */
  maxRowBytes: number
  /** After each turn's write (and its releases): how many rows it held, and what the disk refused, if anything. */
  onTurn: (count: number, unjournaled: Unjournaled | null) => void
}

export type JournalGate = ReturnType<typeof createJournalGate>

/**
 * The per-turn gate between requests and the journal: rows appended during one turn of the event loop
 * are written with one write(2) at its end, and only then are that turn's responses released, so every
 * answer that leaves has its event on disk. All a request handler sees is `append` (through its kind's
 * recorder) and `afterWrite`.
 */
export function createJournalGate(o: JournalGateOptions) {
  let turn = Buffer.allocUnsafeSlow(TURN_BUFFER_BYTES)
  let bytes = 0
  let count = 0
  let side = ''
  let scheduled = false
  let closed = false
  // Flat triples (fn, a, b): no closure per request.
  let deferred: unknown[] = []

  /** Journals this turn's side lines and rows, then lets this turn's responses go. */
  function writeTurn() {
    scheduled = false
    const written = count
    let refused: Unjournaled | null = null
    if (written > 0) {
      try {
        o.journal.write(turn, bytes, side)
      } catch (err) {
        // Keep answering: the rows are kept in memory and written unless the process dies too.
        o.log.error({ err, rows: written }, 'journal write failed')
        refused = { rows: Buffer.from(turn.subarray(0, bytes)), side }
      }
    }
    bytes = 0
    count = 0
    side = ''
    const release = deferred
    deferred = []
    for (let i = 0; i < release.length; i += 3) {
      try {
        ;(release[i] as Release)(release[i + 1], release[i + 2])
      } catch (err) {
        o.log.error({ err }, 'sending a response after the journal write failed')
      }
    }
    o.onTurn(written, refused)
  }

  return {
    /** The turn buffer, with room for one more row at `at()`: the recorder writes its row there, then calls append. */
    room(): Uint8Array {
      if (bytes + o.maxRowBytes > turn.length) {
        const bigger = Buffer.allocUnsafeSlow(turn.length * 2)
        turn.copy(bigger, 0, 0, bytes)
        turn = bigger
      }
      return turn
    },
    at: () => bytes,
    /** One row written into room() up to `end`, with the side lines it needs that the journal has not taken yet. */
    append(end: number, sideLines: string) {
      bytes = end
      count++
      if (sideLines) side += sideLines
      if (!scheduled) {
        scheduled = true
        setImmediate(writeTurn)
      }
    },
    /**
     * Calls send(a, b) once the rows appended so far are in the journal: at the end of this turn of the
     * event loop, or now if none is waiting. The redirect sends its 302 this way.
     */
    afterWrite<A, B>(send: (a: A, b: B) => void, a: A, b: B) {
      if (!scheduled || closed) return send(a, b)
      deferred.push(send, a, b)
    },
    /** Rows appended this turn, not yet written. */
    pending: () => count,
    /** Writes the turn now, if one is waiting (before a batch is sealed). */
    flush() {
      if (scheduled) writeTurn()
    },
    /** Writes what waits; from now on responses go at once. */
    close() {
      if (scheduled) writeTurn()
      closed = true
    },
  }
}
