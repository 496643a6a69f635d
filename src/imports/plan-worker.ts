import { runWorkerTask, WorkerTaskError, type WorkerTask } from '../infra/worker-task.ts'
import type { UrlPolicy } from '../links/url-policy.ts'
import { ImportFormatError, type ImportFormat } from './import-record.ts'
import { PARSERS } from './parsers.ts'
import { type Candidate, type Conflict, planRecords, type Warning } from './plan-import.ts'

export type PlanInput = { format: ImportFormat; input: string; urlPolicy: UrlPolicy; domain?: string | null }
export type ImportPlan = {
  candidates: Candidate[]
  duplicates: Candidate[]
  conflicts: Conflict[]
  warnings: Warning[]
}
type PlanSlice = { [K in keyof ImportPlan]?: ImportPlan[K] }

const SLICE = 500
const PARTS = ['candidates', 'duplicates', 'conflicts', 'warnings'] as const

/** In the worker: parse the export and check every link (the CPU-heavy half of an import), sent back in slices. */
export const planExport: WorkerTask<PlanInput, PlanSlice> = async (input, emit) => {
  const plan = planRecords(PARSERS[input.format](input.input), { urlPolicy: input.urlPolicy, domain: input.domain })
  for (const part of PARTS)
    for (let i = 0; i < plan[part].length; i += SLICE) await emit({ [part]: plan[part].slice(i, i + SLICE) })
}

/**
 * parse + planRecords off the event loop: a 1.6 MiB export took ~100 ms of CPU (more on a busy machine),
 * every redirect waiting behind it. ImportFormatError when the file cannot be read.
 */
export async function planInWorker(input: PlanInput): Promise<ImportPlan> {
  const plan: ImportPlan = { candidates: [], duplicates: [], conflicts: [], warnings: [] }
  try {
    await runWorkerTask<PlanInput, PlanSlice>(new URL(import.meta.url), 'planExport', input, (slice) => {
      for (const part of PARTS) for (const item of slice[part] ?? []) (plan[part] as unknown[]).push(item)
    })
  } catch (err) {
    if (err instanceof WorkerTaskError && err.taskErrorName === 'ImportFormatError')
      throw new ImportFormatError(err.message)
    throw err
  }
  return plan
}
