import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import type { Socket } from 'node:net'
import type pg from 'pg'

// Each CopyData message is copied once more by pg's serializer: slices keep that, and the event loop
// between them, short (a 12 MB batch sent at once held the loop for ~5 ms).
const SLICE_BYTES = 256 * 1024
// A file sent spread out goes in smaller frames: Postgres then works ~0.6 ms on each, then waits.
const SPREAD_FRAME_BYTES = 64 * 1024

// A CopyData message: 'd', then the length of what follows (itself included) as an int32.
const COPY_DATA = 0x64
const HEADER_BYTES = 5

/**
 * What a COPY sends: a file's bytes, read a slice at a time (never held whole), then chunks already in
 * memory. `spreadOverMs`: send the file in small frames paced over about this long instead of as fast
 * as Postgres takes them, so its backend works in short slices rather than one long burst that holds a
 * CPU other processes on it are waiting for.
 */
export type CopyPayload = { file: string | null; chunks: readonly (Buffer | string)[]; spreadOverMs?: number }

type PgConnection = {
  stream: Socket
  query(text: string): void
  sendCopyFromChunk(chunk: Buffer): void
  endCopyFrom(): void
  sendCopyFail(message: string): void
}

/**
 * `COPY <into> FROM STDIN` in the given format; resolves with the number of rows copied. A pg
 * "submittable" (the hook pg-copy-streams uses): pg hands us the connection, we send the payload when the
 * server asks for it.
 */
export function copyFrom(
  client: Pick<pg.ClientBase, 'query'>,
  into: string,
  format: 'text' | 'binary',
  payload: CopyPayload,
): Promise<number> {
  const sql = `copy ${into} from stdin with (format ${format})`
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
        // A payload that cannot be read (say, a missing file) ends the COPY with CopyFail, so the server
        // answers with an error (handleError) instead of waiting for data forever; on a lost connection
        // CopyFail goes nowhere and the COPY fails through handleError anyway.
        sendPayload(connection, payload).catch((err: Error) =>
          connection.sendCopyFail(`payload not sent: ${err.message}`),
        )
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

async function sendPayload(connection: PgConnection, { file, chunks, spreadOverMs = 0 }: CopyPayload) {
  if (file !== null) await sendFile(connection.stream, file, spreadOverMs)
  for (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
      if (at > 0) await new Promise((resolve) => setImmediate(resolve))
      connection.sendCopyFromChunk(bytes.subarray(at, at + SLICE_BYTES))
    }
  }
  connection.endCopyFrom()
}

/**
 * Streams a file to the socket as CopyData messages through one reused frame: a batch never sits in
 * the heap, and no buffer is allocated per byte sent (those external allocations kept V8 marking).
 */
async function sendFile(socket: Socket, path: string, spreadOverMs: number) {
  const frameBytes = spreadOverMs > 0 ? SPREAD_FRAME_BYTES : SLICE_BYTES
  const frame = Buffer.allocUnsafeSlow(HEADER_BYTES + frameBytes)
  frame[0] = COPY_DATA
  const fd = openSync(path, 'r')
  try {
    const frames = Math.ceil(fstatSync(fd).size / frameBytes)
    // Node's timers have a 1 ms floor: a file too big to spread in 1 ms steps goes at full speed.
    const pauseMs = frames > 1 && spreadOverMs / frames >= 1 ? spreadOverMs / frames : 0
    for (
      let n = readSync(fd, frame, HEADER_BYTES, frameBytes, null);
      n > 0;
      n = readSync(fd, frame, HEADER_BYTES, frameBytes, null)
    ) {
      frame.writeUInt32BE(n + 4, 1)
      // The frame is refilled next: wait until the socket has handed this one to the kernel.
      await new Promise<void>((resolve, reject) =>
        socket.write(frame.subarray(0, HEADER_BYTES + n), (err) => (err ? reject(err) : resolve())),
      )
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs))
    }
  } finally {
    closeSync(fd)
  }
}
