import type { FastifyBaseLogger } from 'fastify'
import type { Pool } from '../infra/database.ts'
import { recordKeyUses } from './api-key-repository.ts'

/**
 * Notes when each key last made a request that succeeded, and writes the latest use of every key every
 * `flushMs` in one statement, so a request never waits on it. Uses a failed write held are kept for the next.
 */
export function createKeyUsageRecorder(o: { db: Pick<Pool, 'query'>; flushMs: number; log: FastifyBaseLogger }) {
  let pending = new Map<string, number>()
  let writing: Promise<void> | null = null

  const keepLatest = (keyId: string, at: number) => {
    const known = pending.get(keyId)
    if (known === undefined || known < at) pending.set(keyId, at)
  }

  async function flush(): Promise<void> {
    while (writing) await writing
    if (pending.size === 0) return
    const uses = pending
    pending = new Map()
    writing = recordKeyUses(o.db, uses)
      .catch((err) => {
        for (const [keyId, at] of uses) keepLatest(keyId, at)
        o.log.warn({ err }, 'could not record when API keys were last used; will retry')
      })
      .finally(() => (writing = null))
    await writing
  }

  const timer = setInterval(() => void flush(), o.flushMs)
  timer.unref()

  return {
    used: (keyId: string) => keepLatest(keyId, Date.now()),
    flush,
    async close() {
      clearInterval(timer)
      await flush()
    },
  }
}
