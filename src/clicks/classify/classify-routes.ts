import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { ClassifierExtra } from './classifier-extra.ts'
import { clickInputOf } from './classification.ts'
import { ClassifyBody, ClassifyView } from './classify-schemas.ts'
import { classifyContextFor, createClickClassifier } from './create-click-classifier.ts'

/** POST /classify: how Umbra would label a click, with the reason; a debugging aid for users. */
export const classifyRoutes: FastifyPluginAsync<{ publicUrl: string; classifierExtra?: ClassifierExtra }> = async (
  app,
  { publicUrl, classifierExtra },
) => {
  const classify = createClickClassifier(classifyContextFor({ publicUrl, classifierExtra }), { cacheSize: 1_000 })

  app.withTypeProvider<ZodTypeProvider>().post(
    '/classify',
    {
      config: { scope: 'stats:read' },
      schema: {
        tags: ['stats'],
        summary: 'Classify one request as a click would be: kind, medium, app, visibility, reason',
        body: ClassifyBody,
        response: { 200: ClassifyView },
      },
    },
    async ({ body }) => classify(clickInputOf(body.ua, body.referrer, body.headers)),
  )
}
