import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../config.ts'

const READY_TIMEOUT_MS = 2_000
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const

/**
 * Probes come every few seconds from a load balancer or an orchestrator: their requests are logged at
 * LOG_LEVEL=debug (or trace) only, and never more than the app logs otherwise.
 */
export function probeLogLevel(level: Config['logLevel']): Config['logLevel'] {
  return LEVELS.indexOf(level) <= LEVELS.indexOf('debug') ? level : LEVELS[Math.max(LEVELS.indexOf(level), LEVELS.indexOf('warn'))]
}

/** /healthz: the process is up. /readyz: the database answers and the click backlog is under its bound. */
export const healthRoutes: FastifyPluginAsync<{ backlogMax: number; logLevel: Config['logLevel'] }> = async (app, { backlogMax, logLevel }) => {
  const probe = { schema: { hide: true }, logLevel: probeLogLevel(logLevel) }
  app.get('/healthz', probe, async () => ({ status: 'ok' }))

  app.get('/readyz', probe, async (_request, reply) => {
    const writer = app.clicks.writer.stats()
    const database = await Promise.race([
      app.pg.query('select 1').then(() => 'up', () => 'down'),
      new Promise<string>((resolve) => setTimeout(resolve, READY_TIMEOUT_MS, 'timeout').unref()),
    ])
    const spooledBatches = app.clicks.writer.spooledBatches()
    const ready = database === 'up' && writer.backlog < backlogMax && spooledBatches === 0
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      database,
      clicks: { backlog: writer.backlog, onDisk: writer.spooled, spooledBatches, written: writer.written, databaseHealthy: writer.databaseHealthy },
    })
  })
}
