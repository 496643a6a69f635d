import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyInstance } from 'fastify'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import { statsRoutes } from './analytics/stats-routes.ts'
import { authPlugin } from './api/auth.ts'
import { clicksPlugin } from './clicks/clicks-plugin.ts'
import type { Config } from './config.ts'
import { databasePlugin } from './infra/database.ts'
import { healthRoutes } from './infra/health-routes.ts'
import { loggerOptions } from './infra/logger.ts'
import { Problem, problemPlugin, sendProblem } from './infra/problem.ts'
import { createLinkCache } from './links/link-cache.ts'
import { findLinkByCode } from './links/link-repository.ts'
import { linksRoutes } from './links/links-routes.ts'
import { toResolvedLink } from './links/link-view.ts'
import { sendNotFoundPage } from './redirect/pages.ts'
import { redirectRoutes } from './redirect/redirect-routes.ts'

const BODY_LIMIT = 64 * 1024

/** Builds the whole app (not listening): infrastructure first, then features, in the order they depend on each other. */
export async function buildApp(config: Config): Promise<FastifyInstance> {
  const app = Fastify({
    ...loggerOptions(config),
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: 256 },
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  // Infrastructure
  await app.register(problemPlugin)
  await app.register(swagger, {
    openapi: {
      info: { title: 'Umbra API', version: '1.0.0', description: 'Short links that measure dark social.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  await app.register(databasePlugin, { config })
  await app.register(authPlugin, { adminApiKey: config.adminApiKey })
  await app.register(clicksPlugin, { config })

  // Features
  const urlPolicy = { ownHosts: [new URL(config.publicUrl).host], blockedDomains: [] }
  const linkCache = createLinkCache({
    ...config.linkCache,
    load: async (code) => {
      const row = await findLinkByCode(app.pg, code)
      return row && toResolvedLink(row)
    },
  })
  await app.register(healthRoutes, { backlogMax: config.clickWriter.bufferMax })
  await app.register(
    async (api) => {
      await api.register(linksRoutes, { publicUrl: config.publicUrl, urlPolicy, linkCache })
      await api.register(statsRoutes)
    },
    { prefix: '/api/v1' },
  )
  await app.register(redirectRoutes, { linkCache })

  app.setNotFoundHandler((request, reply) =>
    request.url.startsWith('/api/') ? sendProblem(reply, Problem.notFound(`${request.method} ${request.url.split('?')[0]}`)) : sendNotFoundPage(reply),
  )
  return app
}
