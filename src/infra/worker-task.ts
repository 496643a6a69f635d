import { Worker } from 'node:worker_threads'

const ENTRY = new URL('./ts-worker.mjs', import.meta.url)
// A runaway task (a hostile upload) fails alone instead of growing the server's heap.
const WORKER_HEAP_MB = 512
// Tasks beyond this wait their turn: a key sending many uploads at once gets them done one after another,
// not a thread (and a heap) each.
const MAX_RUNNING = 2
let running = 0
const waiting: (() => void)[] = []

async function slot(): Promise<() => void> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve))
  running++
  return () => {
    running--
    waiting.shift()?.()
  }
}

/** A worker task: gets the input, sends its results to the parent in slices with `emit`. */
export type WorkerTask<I, M> = (input: I, emit: (message: M) => Promise<void>) => Promise<void>

/** What a task threw, carried across the thread boundary by name and message. */
export class WorkerTaskError extends Error {
  constructor(
    readonly taskErrorName: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Runs CPU-heavy work (parsing an upload) in a fresh worker thread, so the event loop keeps serving redirects.
 * `exportName` of the TypeScript module at `moduleUrl` is a WorkerTask; each message it emits reaches
 * `onMessage` in a turn of its own, and the task waits for it to be taken before sending the next: the
 * parent never decodes more than one slice at a time. Rejects with WorkerTaskError when the task throws.
 */
export async function runWorkerTask<I, M>(
  moduleUrl: URL,
  exportName: string,
  input: I,
  onMessage: (message: M) => void,
): Promise<void> {
  const release = await slot()
  try {
    await runInNewWorker(moduleUrl, exportName, input, onMessage)
  } finally {
    release()
  }
}

function runInNewWorker<I, M>(
  moduleUrl: URL,
  exportName: string,
  input: I,
  onMessage: (message: M) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, {
      workerData: { moduleUrl: moduleUrl.href, exportName, input },
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    })
    let settled = false
    const finish = (err?: Error) => {
      if (settled) return
      settled = true
      void worker.terminate()
      if (err) reject(err)
      else resolve()
    }
    worker.on('message', (m: { message?: M; done?: true; error?: { name: string; message: string } }) => {
      if (m.done) return finish()
      if (m.error) return finish(new WorkerTaskError(m.error.name, m.error.message))
      try {
        onMessage(m.message as M)
      } catch (err) {
        return finish(err as Error)
      }
      setImmediate(() => worker.postMessage('ack'))
    })
    worker.on('error', (err) => finish(err))
    worker.on('exit', (code) =>
      finish(new Error(`worker task ${exportName} ended (exit code ${code}) before finishing`)),
    )
  })
}
