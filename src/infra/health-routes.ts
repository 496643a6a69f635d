import fp from 'fastify-plugin'
import type { Config } from '../config.ts'
import { carriesBearer } from './operator-token.ts'

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

/**
 * /healthz: the process is up. /readyz: the database answers and every registered check is ready. With
 * METRICS_TOKEN (`metricsToken`) set, the checks' reports (backlogs, rows written: traffic volumes) are
 * shown to a caller sending `Authorization: Bearer <token>` only; the status code and `status` to anyone.
 */
export const healthPlugin = fp(
  async (app, { logLevel, metricsToken }: { logLevel: Config['logLevel']; metricsToken?: string }) => {
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

    app.get('/readyz', probe, async (request, reply) => {
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
      const status = ready ? 'ready' : 'not ready'
      const detailed = !metricsToken || carriesBearer(request.headers.authorization, metricsToken)
      return reply.code(ready ? 200 : 503).send(detailed ? { status, database, ...reports } : { status, database })
    })
  },
  { name: 'health', dependencies: ['database'] },
)
