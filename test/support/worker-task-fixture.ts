import { threadId } from 'node:worker_threads'

/** Sends `count` messages, each once the last was taken, saying which thread it ran on. */
export async function countTo(count: number, emit: (m: { n: number; thread: number }) => Promise<void>) {
  for (let n = 1; n <= count; n++) await emit({ n, thread: threadId })
}

/** Holds its worker for `ms`, reporting when it started and ended (for the concurrency bound). */
export async function holdFor(ms: number, emit: (m: { at: 'start' | 'end' }) => Promise<void>) {
  await emit({ at: 'start' })
  await new Promise((resolve) => setTimeout(resolve, ms))
  await emit({ at: 'end' })
}

export class FixtureFormatError extends Error {}

export async function fail(message: string) {
  throw new FixtureFormatError(message)
}
