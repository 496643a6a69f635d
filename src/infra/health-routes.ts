import type { FastifyPluginAsync } from 'fastify'

const READY_TIMEOUT_MS = 2_000

/** /healthz: the process is up. /readyz: the database answers and the click backlog is under its bound. */
export const healthRoutes: FastifyPluginAsync<{ backlogMax: number }> = async (app, { backlogMax }) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
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
