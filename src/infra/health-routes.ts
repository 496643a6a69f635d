import fp from 'fastify-plugin'
import type { Config } from '../config.ts'

const READY_TIMEOUT_MS = 2_000
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const

/**
 * Probes come every few seconds from a load balancer or an orchestrator: their requests are logged at
 * LOG_LEVEL=debug (or trace) only, and never more than the app logs otherwise.
 */
export function probeLogLevel(level: Config['logLevel']): Config['logLevel'] {
  return LEVELS.indexOf(level) <= LEVELS.indexOf('debug')
    ? level
    : LEVELS[Math.max(LEVELS.indexOf(level), LEVELS.indexOf('warn'))]
}

/** A feature's say in readiness: whether it is ready, and what /readyz shows under its name. */
export type ReadinessCheck = () => { ready: boolean; report: Record<string, unknown> }

declare module 'fastify' {
  interface FastifyInstance {
    /** Features register their readiness checks here; /readyz asks each of them and the database. */
    readiness: { add(name: string, check: ReadinessCheck): void }
  }
}

/** /healthz: the process is up. /readyz: the database answers and every registered check is ready. */
export const healthPlugin = fp(
  async (app, { logLevel }: { logLevel: Config['logLevel'] }) => {
    const checks = new Map<string, ReadinessCheck>()
    app.decorate('readiness', {
      add(name: string, check: ReadinessCheck) {
        if (checks.has(name) || name === 'status' || name === 'database')
          throw new Error(`readiness check "${name}" registered twice`)
        checks.set(name, check)
      },
    })

    const probe = { schema: { hide: true }, logLevel: probeLogLevel(logLevel) }
    app.get('/healthz', probe, async () => ({ status: 'ok' }))

    app.get('/readyz', probe, async (_request, reply) => {
      const database = await Promise.race([
        app.pg.query('select 1').then(
          () => 'up',
          () => 'down',
        ),
        new Promise<string>((resolve) => setTimeout(resolve, READY_TIMEOUT_MS, 'timeout').unref()),
      ])
      let ready = database === 'up'
      const reports: Record<string, unknown> = {}
      for (const [name, check] of checks) {
        const c = check()
        ready &&= c.ready
        reports[name] = c.report
      }
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', database, ...reports })
    })
  },
  { name: 'health', dependencies: ['database'] },
)
