import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import { carriesBearer } from './operator-token.ts'
import { Problem, sendProblem } from './problem.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The Prometheus registry every feature adds its metrics to; served at GET /metrics. */
    metrics: { registry: Registry }
  }
}

/**
 * A counter whose value is read from a plain number at scrape time: the code that counts does `n++`
 * and nothing else, which is what the redirect hot path can afford.
 */
export function counterFrom<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  read: () => ReadonlyArray<[Partial<Record<L, string>>, number]>,
) {
  const seen = new Map<string, number>()
  return new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      for (const [labels, value] of read()) {
        const key = JSON.stringify(labels)
        const delta = value - (seen.get(key) ?? 0)
        if (delta > 0) this.inc(labels, delta)
        else if (!seen.has(key)) this.inc(labels, 0)
        seen.set(key, value)
      }
    },
  })
}

/** A gauge read at scrape time. */
export function gaugeFrom(registry: Registry, name: string, help: string, read: () => number) {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read())
    },
  })
}

/**
 * GET /metrics in Prometheus text: process metrics (RSS, event loop delay, GC) and what each feature registers.
 * With METRICS_TOKEN (`token`) set, only a scraper sending `Authorization: Bearer <token>` reads it: the
 * counters tell traffic volumes.
 */
export const metricsPlugin = fp(
  async (app, { token }: { token?: string }) => {
    const registry = new Registry()
    collectDefaultMetrics({ register: registry, prefix: 'umbra_' })
    app.decorate('metrics', { registry })
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      if (token && !carriesBearer(request.headers.authorization, token))
        return sendProblem(reply, Problem.unauthorized('/metrics needs Authorization: Bearer <METRICS_TOKEN>'))
      const text = await registry.metrics()
      return reply.type(registry.contentType).send(text)
    })
  },
  { name: 'metrics' },
)
