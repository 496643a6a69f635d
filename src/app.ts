import Fastify, { type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import { exportsRoutes } from './analytics/exports-routes.ts'
import { reportsRoutes } from './analytics/reports-routes.ts'
import { statsRoutes } from './analytics/stats-routes.ts'
import { authPlugin } from './api/auth.ts'
import { keysRoutes } from './api/keys-routes.ts'
import { openApiPlugin } from './api/openapi.ts'
import { rateLimitsPlugin } from './api/rate-limits.ts'
import { pageSecurityPlugin } from './api/security-headers.ts'
import { classifyRoutes } from './clicks/classify/classify-routes.ts'
import { clicksPlugin } from './clicks/clicks-plugin.ts'
import type { Config } from './config.ts'
import { dashboardRoutes } from './dashboard/dashboard-routes.ts'
import { dashboardSessionsPlugin } from './dashboard/dashboard-sessions-plugin.ts'
import { databasePlugin } from './infra/database.ts'
import { healthRoutes } from './infra/health-routes.ts'
import { loggerOptions, type LogStream } from './infra/logger.ts'
import { metricsPlugin } from './infra/metrics.ts'
import { Problem, problemPlugin, sendProblem, writeClientErrorProblem } from './infra/problem.ts'
import { createLinkCache } from './links/link-cache.ts'
import { linkChangesPlugin } from './links/link-change-listener.ts'
import { findLinkByCode } from './links/link-repository.ts'
import { linksRoutes } from './links/links-routes.ts'
import { toResolvedLink } from './links/link-view.ts'
import { sendNotFoundPage } from './redirect/pages.ts'
import { qrRoutes } from './shares/qr-routes.ts'
import { sharesRoutes } from './shares/shares-routes.ts'
import { widgetKitRoutes, widgetScriptRoutes } from './shares/widget-routes.ts'
import { redirectRoutes } from './redirect/redirect-routes.ts'

export type BuildOptions = { /** Where log lines go instead of stdout (tests read them). */ logStream?: LogStream }

/** Builds the whole app (not listening): infrastructure first, then features, in the order they depend on each other. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...loggerOptions(config, options.logStream),
    trustProxy: config.trustProxy,
    bodyLimit: config.limits.bodyBytes,
    http: { maxHeaderSize: config.limits.headerBytes },
    clientErrorHandler: writeClientErrorProblem,
    routerOptions: { maxParamLength: 256 },
    // Starting the embedded database and migrating a large one can take longer than Fastify's default 10 s.
    pluginTimeout: 120_000,
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  // Infrastructure
  await app.register(problemPlugin)
  await app.register(metricsPlugin)
  await app.register(openApiPlugin)
  await app.register(pageSecurityPlugin)
  await app.register(databasePlugin, { config })
  // Before auth: the dashboard's session cookie is an alternative to Authorization: Bearer.
  await app.register(dashboardSessionsPlugin, { publicUrl: config.publicUrl })
  await app.register(authPlugin, { adminApiKey: config.adminApiKey, ...config.apiKeys })
  await app.register(rateLimitsPlugin, { limits: config.rateLimits })
  await app.register(clicksPlugin, { config })

  // Features
  const urlPolicy = { ownHosts: [new URL(config.publicUrl).host], blockedDomains: config.blockedDomains }
  const linkCache = createLinkCache({
    ...config.linkCache,
    load: async (code) => {
      const row = await findLinkByCode(app.pg, code)
      return row && toResolvedLink(row)
    },
  })
  // Every instance drops a changed link from its cache (Postgres LISTEN/NOTIFY, migration 005).
  await app.register(linkChangesPlugin, { config, linkCache })
  await app.register(healthRoutes, { backlogMax: config.clickWriter.bufferMax })
  await app.register(
    async (api) => {
      // JSON only: text/plain (Fastify's other default) would reach handlers as a string; 415 instead.
      api.removeContentTypeParser('text/plain')
      await api.register(keysRoutes)
      await api.register(linksRoutes, { publicUrl: config.publicUrl, urlPolicy, linkCache })
      await api.register(statsRoutes)
      await api.register(classifyRoutes, { publicUrl: config.publicUrl, classifierExtra: config.classifierExtra })
      await api.register(sharesRoutes, { publicUrl: config.publicUrl, facebookAppId: config.facebookAppId, urlPolicy, linkCache })
      await api.register(qrRoutes, { publicUrl: config.publicUrl })
      await api.register(reportsRoutes)
      await api.register(exportsRoutes)
      await api.register(widgetKitRoutes, { publicUrl: config.publicUrl, facebookAppId: config.facebookAppId, urlPolicy, linkCache })
    },
    { prefix: '/api/v1' },
  )
  await app.register(dashboardRoutes, { signInLimit: { max: config.rateLimits.missPages, windowMs: config.rateLimits.windowMs } })
  await app.register(widgetScriptRoutes)
  await app.register(redirectRoutes, { linkCache, trustProxy: config.trustProxy, countryHeader: config.countryHeader, fastPath: config.redirectFastPath })

  app.setNotFoundHandler((request, reply) =>
    request.url.startsWith('/api/') ? sendProblem(reply, Problem.notFound(`${request.method} ${request.url.split('?')[0]}`)) : sendNotFoundPage(reply),
  )
  return app
}
