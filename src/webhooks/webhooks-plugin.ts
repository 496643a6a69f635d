import fp from 'fastify-plugin'
import pg from 'pg'
import type { Config } from '../config.ts'
import { loadServerSecret } from '../infra/server-secret.ts'
import { createWebhookDeliverer, DELIVERY_POOL_OPTIONS } from './webhook-deliverer.ts'
import { createSecretBox, type SecretBox } from './webhook-secret.ts'

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: { secrets: SecretBox; deliverDue: () => Promise<void> }
  }
}

/** The delivery loop of this instance (every instance runs one; they share the work through Postgres). */
export const webhooksPlugin = fp(
  async (app, { config }: { config: Config }) => {
    const secrets = createSecretBox(loadServerSecret(config))
    const pool = new pg.Pool({
      connectionString: config.databaseUrl ?? (app.pg.pool as pg.Pool).options.connectionString,
      ...DELIVERY_POOL_OPTIONS,
    })
    pool.on('error', (err) => app.log.warn({ err }, 'idle webhook delivery connection lost'))
    pool.on('connect', (client) => client.on('error', () => {}))
    const deliverer = createWebhookDeliverer({
      pool,
      secrets,
      log: app.log.child({ component: 'webhooks' }),
      publicUrl: config.publicUrl,
      ...config.webhooks,
    })
    if (config.webhooks.deliver) deliverer.start()
    app.decorate('webhooks', { secrets, deliverDue: deliverer.deliverDue })
    // Before the pool closes: an attempt in flight finishes and is recorded.
    app.addHook('preClose', () => deliverer.stop())
    app.addHook('onClose', () => pool.end())
  },
  { name: 'webhooks', dependencies: ['database'] },
)
