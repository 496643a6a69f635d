import Fastify, { type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import { exportsRoutes } from './analytics/exports-routes.ts'
import { reportsRoutes } from './analytics/reports-routes.ts'
import { statsRoutes } from './analytics/stats-routes.ts'
import { authPlugin } from './api/auth.ts'
import { auditRoutes } from './audit/audit-routes.ts'
import { keysRoutes } from './api/keys-routes.ts'
import { openApiPlugin } from './api/openapi.ts'
import { rateLimitsPlugin } from './api/rate-limits.ts'
import { pageSecurityPlugin } from './api/security-headers.ts'
import { classifyRoutes } from './clicks/classify/classify-routes.ts'
import { clicksPlugin } from './clicks/clicks-plugin.ts'
import { openPlaceLookup } from './clicks/capture/country-lookup.ts'
import { retentionPlugin } from './clicks/retention/retention-plugin.ts'
import type { Config } from './config.ts'
import { ssoRoutes } from './sso/sso-routes.ts'
import { createDomainRegistry, linkKeyOf, splitLinkKey } from './domains/domain-registry.ts'
import { domainsPlugin } from './domains/domains-plugin.ts'
import { domainsRoutes } from './domains/domains-routes.ts'
import { dashboardRoutes } from './dashboard/dashboard-routes.ts'
import { dashboardSessionsPlugin } from './dashboard/dashboard-sessions-plugin.ts'
import { funnelPlugin } from './funnel/funnel-plugin.ts'
import { funnelRoutes } from './funnel/funnel-routes.ts'
import { aheadOfFastifyPlugin } from './infra/ahead-of-fastify.ts'
import { proxyTrustOf } from './infra/client-address.ts'
import { databasePlugin, openDatabase, type OpenDatabase } from './infra/database.ts'
import { healthPlugin } from './infra/health-routes.ts'
import { readDatabasePlugin } from './infra/read-database.ts'
import { importsRoutes } from './imports/imports-routes.ts'
import { loggerOptions, type LogStream } from './infra/logger.ts'
import { metricsPlugin } from './infra/metrics.ts'
import { Problem, problemPlugin, sendProblem, writeClientErrorProblem } from './infra/problem.ts'
import { loadServerSecret } from './infra/server-secret.ts'
import { createLinkCache } from './links/link-cache.ts'
import { linkChangesPlugin } from './links/link-change-listener.ts'
import { countHumanClicks, findLinksByCodes } from './links/link-repository.ts'
import { linksRoutes } from './links/links-routes.ts'
import { accountRoutes } from './people/account-routes.ts'
import { membersRoutes } from './people/members-routes.ts'
import { peoplePlugin } from './people/people-plugin.ts'
import { instanceHosts } from './links/url-policy.ts'
import { toResolvedLink } from './links/link-view.ts'
import { sendNotFoundPage } from './redirect/pages.ts'
import { qrRoutes } from './shares/qr-routes.ts'
import { sharesRoutes } from './shares/shares-routes.ts'
import { widgetKitRoutes, widgetScriptRoutes } from './shares/widget-routes.ts'
import { redirectRoutes } from './redirect/redirect-routes.ts'
import { createClickReferences, withClickReference } from './conversions/click-reference.ts'
import { conversionsRoutes } from './conversions/conversions-routes.ts'
import { clickEventsObserver } from './webhooks/click-events.ts'
import { webhooksPlugin } from './webhooks/webhooks-plugin.ts'
import { webhooksRoutes } from './webhooks/webhooks-routes.ts'

export type BuildOptions = { /** Where log lines go instead of stdout (tests read them). */ logStream?: LogStream }

/**
 * Builds the whole app (not listening) on DATABASE_URL's server or the embedded Postgres under DATA_DIR,
 * which it starts (or finds) first and lets go of on close.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const database = await openDatabase(config, 'server')
  try {
    return await assembleApp({ ...config, databaseUrl: database.url }, database, options)
  } catch (err) {
    await database.release()
    throw err
  }
}

/** Infrastructure first, then features, in the order they depend on each other. */
async function assembleApp(
  config: Config & { databaseUrl: string },
  database: OpenDatabase,
  options: BuildOptions,
): Promise<FastifyInstance> {
  // One trust function for Fastify's request.ip and the fast path's raw reader: both name the same client.
  const proxyTrust = proxyTrustOf(config.trustProxy)
  const app = Fastify({
    ...loggerOptions(config, options.logStream),
    trustProxy: proxyTrust ?? false,
    bodyLimit: config.limits.bodyBytes,
    http: { maxHeaderSize: config.limits.headerBytes },
    clientErrorHandler: writeClientErrorProblem,
    routerOptions: { maxParamLength: 256 },
    // Migrating a large database can take longer than Fastify's default 10 s.
    pluginTimeout: 120_000,
  })
  // The first hook added runs last on close: after the pool and every listener have let go of the database.
  app.addHook('onClose', () => database.release())
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  // Infrastructure
  await app.register(problemPlugin)
  // The fast paths (redirect, beacons) answer their common requests here, before Fastify routes them.
  await app.register(aheadOfFastifyPlugin)
  await app.register(metricsPlugin, { token: config.metricsToken })
  await app.register(openApiPlugin)
  await app.register(pageSecurityPlugin)
  await app.register(databasePlugin, { config, kind: database.kind })
  await app.register(healthPlugin, { logLevel: config.logLevel, metricsToken: config.metricsToken })
  await app.register(readDatabasePlugin, { readDatabaseUrl: config.readDatabaseUrl })
  // Before auth: the dashboard's session cookie is an alternative to Authorization: Bearer.
  await app.register(dashboardSessionsPlugin, { publicUrl: config.publicUrl })
  const serverSecret = loadServerSecret(config)
  await app.register(authPlugin, {
    adminApiKey: config.adminApiKey,
    serverSecret,
    ...config.apiKeys,
  })
  await app.register(rateLimitsPlugin, { limits: config.rateLimits })
  await app.register(peoplePlugin, {
    publicUrl: config.publicUrl,
    adminApiKey: config.adminApiKey,
    smtpUrl: config.people.smtpUrl,
    mailFrom: config.people.mailFrom,
    accountFailures: { max: config.people.accountFailures, windowMs: config.rateLimits.windowMs },
  })
  // The served domains: which Host is which domain, our own hosts for the URL policy and the classifier.
  const domains = createDomainRegistry(config.publicUrl)
  await app.register(domainsPlugin, { registry: domains, configured: config.domains })
  // Click batches record `click` webhook events in their own transaction while some webhook wants them,
  // and retention lets those events keep their clicks before it drops them.
  const clickEvents = clickEventsObserver(config.webhooks.clickBatch)
  await app.register(clicksPlugin, {
    config,
    ownHosts: domains.ownHosts,
    ownHostsVersion: domains.ownHostsVersion,
    batchObserver: clickEvents,
  })
  await app.register(webhooksPlugin, { config })
  await app.register(funnelPlugin, { config })
  await app.register(retentionPlugin, { config, keepClicksSql: clickEvents.keepSql })

  // Features
  const clickReferences = createClickReferences(loadServerSecret(config))
  // Targets never loop back: every served domain (they change at run time) and the listen address.
  const listenHosts = instanceHosts(config.publicUrl, config.host)
  const urlPolicy = {
    get ownHosts() {
      return [...domains.ownHosts, ...listenHosts]
    },
    blockedDomains: config.blockedDomains,
  }
  const linkCache = createLinkCache({
    ...config.linkCache,
    load: async (keys) => {
      const rows = await findLinksByCodes(app.pg, keys.map(splitLinkKey))
      // A click limit counts on from the human clicks the rollups hold when the link is loaded.
      const links = await Promise.all(
        rows.map(async (row) =>
          toResolvedLink(row, row.max_clicks === null ? 0 : await countHumanClicks(app.pg, row.id)),
        ),
      )
      return new Map(rows.map((row, i) => [linkKeyOf(row.domain, row.code), links[i]]))
    },
  })
  // Every instance drops a changed link from its cache (Postgres LISTEN/NOTIFY, migration 005).
  await app.register(linkChangesPlugin, { config, linkCache })
  await app.register(
    async (api) => {
      // JSON only: text/plain (Fastify's other default) would reach handlers as a string; 415 instead.
      api.removeContentTypeParser('text/plain')
      await api.register(keysRoutes)
      await api.register(membersRoutes)
      await api.register(auditRoutes)
      await api.register(domainsRoutes, { registry: domains, reload: app.reloadDomains })
      await api.register(linksRoutes, { domains, urlPolicy, linkCache })
      await api.register(importsRoutes, { domains, urlPolicy, linkCache })
      await api.register(statsRoutes, { domains })
      await api.register(classifyRoutes, { publicUrl: config.publicUrl, classifierExtra: config.classifierExtra })
      const kitOptions = {
        publicUrl: config.publicUrl,
        domains,
        facebookAppId: config.facebookAppId,
        urlPolicy,
        linkCache,
        widgetMintsPerDay: config.rateLimits.widgetMintsPerDay,
      }
      await api.register(sharesRoutes, kitOptions)
      await api.register(qrRoutes, { domains })
      await api.register(reportsRoutes, { domains })
      await api.register(exportsRoutes, { domains, ...config.exports })
      await api.register(widgetKitRoutes, kitOptions)
      await api.register(funnelRoutes, {
        publicUrl: config.publicUrl,
        classifierExtra: config.classifierExtra,
        domains,
        fastPath: config.beaconFastPath,
        proxyTrust,
      })
      await api.register(conversionsRoutes, { references: clickReferences, domains })
      await api.register(webhooksRoutes, { allowPrivate: config.webhooks.allowPrivate, secrets: app.webhooks.secrets })
    },
    { prefix: '/api/v1' },
  )
  await app.register(dashboardRoutes, {
    signInLimit: { max: config.rateLimits.missPages, windowMs: config.rateLimits.windowMs },
  })
  const oidc = config.oidc
  if (oidc.issuer && !(oidc.clientId && oidc.clientSecret))
    throw new Error('OIDC_ISSUER is set: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too')
  await app.register(accountRoutes, { ssoEnabled: Boolean(oidc.issuer) })
  if (oidc.issuer && oidc.clientId && oidc.clientSecret)
    await app.register(ssoRoutes, {
      settings: { ...oidc, issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret },
      publicUrl: config.publicUrl,
      secret: serverSecret,
    })
  await app.register(widgetScriptRoutes)
  await app.register(redirectRoutes, {
    linkCache,
    domains,
    placeOf: await openPlaceLookup(config.geoipDb),
    proxyTrust,
    countryHeader: config.countryHeader,
    fastPath: config.redirectFastPath,
    passwordAttempts: { max: config.rateLimits.passwordAttempts, windowMs: config.rateLimits.windowMs },
    referencer: (url, clickId, atMs) =>
      withClickReference(url, config.conversionParam, clickReferences.encode(clickId, atMs)),
  })

  // A visitor who opens the bare domain lands somewhere useful rather than on a 404 page.
  // On another short domain, that domain's root redirect when it has one.
  app.get('/', { schema: { hide: true } }, (request, reply) =>
    reply.redirect(domains.settingsOf(domains.domainOfHost(request.headers.host))?.rootRedirect ?? config.rootRedirect),
  )

  app.setNotFoundHandler((request, reply) =>
    request.url.startsWith('/api/')
      ? sendProblem(reply, Problem.notFound(`${request.method} ${request.url.split('?')[0]}`))
      : sendNotFoundPage(reply),
  )
  return app
}
