import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { ClassifyBody, ClassifyView } from './classify-schemas.ts'
import { createClickClassifier } from './create-click-classifier.ts'

/** POST /classify: how Umbra would label a click, with the reason; a debugging aid for users. */
export const classifyRoutes: FastifyPluginAsync<{ publicUrl: string }> = async (app, { publicUrl }) => {
  const classify = createClickClassifier({ ownHosts: [new URL(publicUrl).host] }, { cacheSize: 1_000 })

  app.withTypeProvider<ZodTypeProvider>().post('/classify', {
    config: { scope: 'stats:read' },
    schema: {
      tags: ['stats'],
      summary: 'Classify one request as a click would be: kind, medium, app, visibility, reason',
      body: ClassifyBody,
      response: { 200: ClassifyView },
    },
  }, async (request) => classify(request.body))
}
