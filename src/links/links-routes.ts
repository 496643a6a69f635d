import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { DomainRegistry } from '../domains/domain-registry.ts'
import { decodeIdCursor, encodeIdCursor } from '../infra/id-cursor.ts'
import { actorOf, changedFields, recordAudit } from '../audit/record-audit.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import { inTransaction } from '../infra/transaction.ts'
import type { LinkCache } from './link-cache.ts'
import { findLinkByCode, listLinks, updateLink, type LinkRow } from './link-repository.ts'
import {
  CreateLink,
  LinkDomainQuery,
  LinkList,
  LinkParams,
  LinkView,
  ListLinksQuery,
  UpdateLink,
} from './link-schemas.ts'
import { linkCacheKeyOf, servedDomainField, storedDomainOrNotFound } from './link-domain.ts'
import { toLinkView } from './link-view.ts'
import { acceptRouting } from './link-routing.ts'
import { acceptTargetUrl, mintLink } from './mint-link.ts'
import type { UrlPolicy } from './url-policy.ts'

type Principal = FastifyRequest['principal']

export type LinksRoutesOptions = { domains: DomainRegistry; urlPolicy: UrlPolicy; linkCache: LinkCache }

/** A share kit has one live link per channel (index links_content_channel_key): a change that would make two is a 409. */
function refuseSecondKitLink(err: unknown): never {
  if ((err as { constraint?: string }).constraint === 'links_content_channel_key')
    throw Problem.conflict("the link's share kit already has a live link for that channel", 'channel')
  throw err
}

/** The fields of a link the audit log keeps. */
const audited = (r: LinkRow) => ({
  url: r.url,
  title: r.title,
  channel: r.channel,
  topics: r.topics,
  campaign: r.campaign,
  expiresAt: r.expires_at,
  disabled: r.disabled_at !== null,
  conversionTracking: r.conversion_tracking,
  // Routing, without the password's hash: only whether there is one.
  rules: r.rules,
  deepLinks: r.app_targets,
  inAppEscape: r.in_app_escape,
  passwordProtected: r.password_hash !== null,
  maxClicks: r.max_clicks,
  fallbackUrl: r.fallback_url,
})

/** The links API: create, list, read, change and disable short links. */
export const linksRoutes: FastifyPluginAsync<LinksRoutesOptions> = async (app, { domains, urlPolicy, linkCache }) => {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const db = app.pg

  /** Changes a link and records the changed fields, in one transaction. */
  const changeLink = (
    code: string,
    domain: string,
    patch: Parameters<typeof updateLink>[2],
    action: string,
    who: Principal | null,
  ) =>
    inTransaction(db.pool, async (client) => {
      const before = await findLinkByCode(client, code, domain)
      const row = before && (await updateLink(client, code, patch, domain).catch(refuseSecondKitLink))
      if (!before || !row) throw Problem.notFound(`link ${code}`)
      const change = changedFields(audited(before), audited(row))
      await recordAudit(client, { actor: actorOf(who), entity: 'link', entityId: code, action, ...change })
      return row
    })

  api.post(
    '/links',
    {
      config: { scope: 'links:write' },
      schema: {
        tags: ['links'],
        summary: 'Create a short link',
        body: CreateLink,
        response: { 201: LinkView, ...problemResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const domain = servedDomainField(domains, request.body.domain)
      const row = await inTransaction(db.pool, async (client) => {
        const made = await mintLink(client, { ...request.body, domain }, urlPolicy)
        const entry = {
          entity: 'link',
          entityId: made.code,
          action: 'create',
          after: { code: made.code, domain: made.domain, ...audited(made) },
        }
        await recordAudit(client, { actor: actorOf(request.principal), ...entry })
        return made
      })
      linkCache.invalidate(linkCacheKeyOf(row)) // a cached "unknown" for this custom code must not outlive it
      return reply.code(201).send(toLinkView(row, domains))
    },
  )

  api.get(
    '/links',
    {
      config: { scope: 'links:read' },
      schema: {
        tags: ['links'],
        summary: 'List links, newest first',
        querystring: ListLinksQuery,
        response: { 200: LinkList, ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit, cursor, domain, ...filter } = request.query
      const rows = await listLinks(db, {
        ...filter,
        domain: domain === undefined ? undefined : servedDomainField(domains, domain),
        limit: limit + 1,
        afterId: cursor ? decodeIdCursor(cursor) : undefined,
      })
      const page = rows.slice(0, limit)
      return {
        items: page.map((r) => toLinkView(r, domains)),
        nextCursor: rows.length > limit ? encodeIdCursor(page[page.length - 1].id) : null,
      }
    },
  )

  api.get(
    '/links/:code',
    {
      config: { scope: 'links:read' },
      schema: {
        tags: ['links'],
        summary: 'Read one link',
        params: LinkParams,
        querystring: LinkDomainQuery,
        response: { 200: LinkView, ...problemResponses(404) },
      },
    },
    async (request) => {
      const { code } = request.params
      const row = await findLinkByCode(db, code, storedDomainOrNotFound(domains, code, request.query.domain))
      if (!row) throw Problem.notFound(`link ${code}`)
      return toLinkView(row, domains)
    },
  )

  api.patch(
    '/links/:code',
    {
      config: { scope: 'links:write' },
      schema: {
        tags: ['links'],
        summary: 'Change a link',
        params: LinkParams,
        querystring: LinkDomainQuery,
        body: UpdateLink,
        response: { 200: LinkView, ...problemResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const { rules, deepLinks, inAppEscape, password, maxClicks, fallbackUrl, ...fields } = request.body
      if (fields.url !== undefined) fields.url = acceptTargetUrl(fields.url, urlPolicy)
      if (fields.expiresAt && Date.parse(fields.expiresAt) <= Date.now())
        throw Problem.field('expiresAt', 'must be in the future')
      const { code } = request.params
      const domain = storedDomainOrNotFound(domains, code, request.query.domain)
      const routing = await acceptRouting(
        { rules, deepLinks, inAppEscape, password, maxClicks, fallbackUrl },
        urlPolicy,
      )
      const row = await changeLink(code, domain, { ...fields, ...routing }, 'update', request.principal)
      linkCache.invalidate(linkCacheKeyOf(row))
      return toLinkView(row, domains)
    },
  )

  api.delete(
    '/links/:code',
    {
      config: { scope: 'links:write' },
      schema: {
        tags: ['links'],
        summary: 'Disable a link (its code is never reused; its redirect answers 410)',
        params: LinkParams,
        querystring: LinkDomainQuery,
        response: { 204: z.null(), ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const { code } = request.params
      const domain = storedDomainOrNotFound(domains, code, request.query.domain)
      const row = await changeLink(code, domain, { disabled: true }, 'disable', request.principal)
      linkCache.invalidate(linkCacheKeyOf(row))
      return reply.code(204).send(null)
    },
  )
}
