// The entry of a worker thread made by worker-task.ts: workers start without the parent's `--import tsx`, so
// tsx's loader is registered here, then the task's TypeScript module is run. Each message to the parent
// waits for the parent's ack, so the parent takes results in slices, one turn of its event loop each.
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

// Lowest CPU priority for this thread alone (Linux nice values are per thread): on a small, busy machine the
// event loop, which serves every redirect, wins the core whenever both want it.
try {
  setPriority(19)
} catch {}
register()
const { moduleUrl, exportName, input } = workerData
let acked = () => {}
parentPort.on('message', () => acked())
const emit = (message) =>
  new Promise((resolve) => {
    acked = resolve
    parentPort.postMessage({ message })
  })
try {
  const task = (await import(moduleUrl))[exportName]
  await task(input, emit)
  parentPort.postMessage({ done: true })
} catch (err) {
  // The class name (ImportFormatError), which `name` of a plain Error subclass does not say.
  parentPort.postMessage({ error: { name: err?.constructor?.name ?? 'Error', message: String(err?.message ?? err) } })
}
