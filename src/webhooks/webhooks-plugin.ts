import fp from 'fastify-plugin'
import type { Config } from '../config.ts'
import { loadServerSecret } from '../infra/server-secret.ts'
import { createWebhookDeliverer } from './webhook-deliverer.ts'
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
    const deliverer = createWebhookDeliverer({
      pool: app.pg.pool,
      secrets,
      log: app.log.child({ component: 'webhooks' }),
      publicUrl: config.publicUrl,
      ...config.webhooks,
    })
    if (config.webhooks.deliver) deliverer.start()
    app.decorate('webhooks', { secrets, deliverDue: deliverer.deliverDue })
    // Before the pool closes: an attempt in flight finishes and is recorded.
    app.addHook('preClose', () => deliverer.stop())
  },
  { name: 'webhooks', dependencies: ['database'] },
)
