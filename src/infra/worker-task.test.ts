import { threadId } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { runWorkerTask, WorkerTaskError } from './worker-task.ts'

const FIXTURE = new URL('../../test/support/worker-task-fixture.ts', import.meta.url)

describe('worker tasks', () => {
  it('run a TypeScript task in another thread and hand its messages over in order, one per turn', async () => {
    const got: { n: number; thread: number }[] = []
    await runWorkerTask(FIXTURE, 'countTo', 5, (m: { n: number; thread: number }) => got.push(m))
    expect(got.map((m) => m.n)).toEqual([1, 2, 3, 4, 5])
    expect(new Set(got.map((m) => m.thread)).size).toBe(1)
    expect(got[0].thread).not.toBe(threadId)
  }, 30_000)

  it('carry what the task threw across, by its class name and message', async () => {
    const failed = runWorkerTask(FIXTURE, 'fail', 'line 3: a quoted cell is never closed', () => {})
    await expect(failed).rejects.toBeInstanceOf(WorkerTaskError)
    await expect(failed).rejects.toMatchObject({
      taskErrorName: 'FixtureFormatError',
      message: 'line 3: a quoted cell is never closed',
    })
  }, 30_000)

  it('run at most two at once; the others wait their turn', async () => {
    let running = 0
    let most = 0
    const track = (m: { at: 'start' | 'end' }) => {
      running += m.at === 'start' ? 1 : -1
      most = Math.max(most, running)
    }
    await Promise.all(Array.from({ length: 4 }, () => runWorkerTask(FIXTURE, 'holdFor', 1_500, track)))
    expect(running).toBe(0)
    expect(most).toBe(2)
  }, 60_000)
})
