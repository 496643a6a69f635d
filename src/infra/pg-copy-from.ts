import type pg from 'pg'

// Each CopyData message is copied once more by pg's serializer: slices keep that, and the event loop
// between them, short (a 12 MB batch sent at once held the loop for ~5 ms).
const SLICE_BYTES = 256 * 1024

type PgConnection = {
  query(text: string): void
  sendCopyFromChunk(chunk: Buffer): void
  endCopyFrom(): void
}

/**
 * `COPY … FROM STDIN` with the payload already in memory, as a pg "submittable" (the hook pg-copy-streams
 * uses): pg hands us the connection, we send the chunks when the server asks for them. Resolves with the
 * number of rows copied. Real Postgres only; PGlite has no COPY over the wire.
 */
export function copyFrom(client: Pick<pg.ClientBase, 'query'>, sql: string, chunks: readonly (Buffer | string)[]): Promise<number> {
  return new Promise((resolve, reject) => {
    let rows = 0
    let failed: Error | null = null
    let settled = false
    const settle = (err: Error | null) => {
      if (settled) return
      settled = true
      if (err) reject(err)
      else resolve(rows)
    }
    const submittable = {
      submit(connection: PgConnection) {
        connection.query(sql)
      },
      handleCopyInResponse(connection: PgConnection) {
        // A lost connection fails the COPY through handleError; nothing to report from here.
        sendInSlices(connection, chunks).catch(() => {})
      },
      handleCommandComplete(msg: { text?: string }) {
        const m = /^COPY (\d+)/.exec(msg.text ?? '')
        if (m) rows = Number(m[1])
      },
      // The server follows an error with ReadyForQuery; a dead socket does not, so settle on the error itself.
      handleError(err: Error) {
        failed = err
        settle(err)
      },
      handleReadyForQuery() {
        settle(failed)
      },
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handleCopyData() {},
      handlePortalSuspended() {},
    }
    ;(client as unknown as { query(s: object): void }).query(submittable)
  })
}

async function sendInSlices(connection: PgConnection, chunks: readonly (Buffer | string)[]) {
  for (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
      if (at > 0) await new Promise((resolve) => setImmediate(resolve))
      connection.sendCopyFromChunk(bytes.subarray(at, at + SLICE_BYTES))
    }
  }
  connection.endCopyFrom()
}
