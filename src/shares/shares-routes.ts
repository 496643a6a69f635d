import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { actorOf, changedFields, recordAudit } from '../audit/record-audit.ts'
import { jsonAnswer } from '../infra/documented-answers.ts'
import { inTransaction } from '../infra/transaction.ts'
import { decodeIdCursor, encodeIdCursor } from '../infra/id-cursor.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import type { LinkCache } from '../links/link-cache.ts'
import type { LinkRow } from '../links/link-repository.ts'
import { acceptTargetUrl } from '../links/mint-link.ts'
import type { UrlPolicy } from '../links/url-policy.ts'
import { findContent, listContents, liveLinksOfContents, updateContent } from './content-repository.ts'
import { createShareKit, type KitCaller, type ShareKitRequest } from './create-share-kit.ts'
import { publishableKeyRefusal } from './publishable-origin.ts'
import {
  CreateShareKit,
  KitHeaders,
  ListSharesQuery,
  ShareKitList,
  ShareKitView,
  ShareParams,
  UpdateShareKit,
} from './share-schemas.ts'
import { toShareKitView, type KitUrls } from './share-kit-view.ts'
import { callerOf } from '../api/principal.ts'
import { type DomainRegistry, linkKeyOf } from '../domains/domain-registry.ts'
import { servedDomainField } from '../links/link-domain.ts'

export type SharesRoutesOptions = KitUrls & {
  domains: Pick<DomainRegistry, 'baseUrlOf' | 'hostOf' | 'storedDomainOf'>
  urlPolicy: UrlPolicy
  linkCache: LinkCache /** WIDGET_MINTS_PER_DAY */
  widgetMintsPerDay: number
}

/**
 * Makes the share kit for a request, after the checks every caller passes: the URL policy, and for a
 * publishable key its allowed origins (its text then stays unconfirmed, its mints capped per day).
 * Shared by POST /shares and the widget's kit route.
 */
export async function shareKitFor(
  request: FastifyRequest,
  kit: ShareKitRequest,
  opts: SharesRoutesOptions & { idempotencyKey?: string },
) {
  const url = acceptTargetUrl(kit.url, opts.urlPolicy)
  const domain = kit.domain === undefined ? undefined : servedDomainField(opts.domains, kit.domain)
  const principal = callerOf(request)
  const refusal = publishableKeyRefusal(principal, url, request.headers.origin)
  if (refusal) throw Problem.forbidden(refusal)
  const idempotency = opts.idempotencyKey ? { keyId: principal.keyId, key: opts.idempotencyKey } : undefined
  const caller: KitCaller =
    principal.kind === 'publishable'
      ? { kind: 'publishable', keyId: principal.keyId, mintsPerDay: opts.widgetMintsPerDay }
      : { kind: 'confirming' }
  const made = await createShareKit(
    request.server.pg.pool,
    { ...kit, url, domain },
    {
      urlPolicy: opts.urlPolicy,
      hostOf: opts.domains.hostOf,
      caller,
      idempotency,
      beforeCommit: async (client, kit) => {
        if (!kit.created && kit.mintedCodes.length === 0) return
        const after = {
          url: kit.content.url,
          title: kit.content.title,
          topics: kit.content.topics,
          domain: opts.domains.hostOf(kit.content.domain),
          links: kit.mintedCodes,
        }
        const action = kit.created ? 'create' : 'add-channels'
        await recordAudit(client, { actor: actorOf(principal), entity: 'kit', entityId: kit.content.id, action, after })
      },
    },
  )
  // A cached "unknown" for a new code must not outlive it.
  for (const code of made.mintedCodes) opts.linkCache.invalidate(linkKeyOf(made.content.domain, code))
  return made
}

/** Share kits: one call turns a page into one tracked link per channel, with ready-made share intents. */
export const sharesRoutes: FastifyPluginAsync<SharesRoutesOptions> = async (app, opts) => {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const db = app.pg

  api.post(
    '/shares',
    {
      config: { scope: 'shares:write' },
      schema: {
        tags: ['shares'],
        summary:
          'Create (or complete) the share kit of a page: one link per channel; the same URL again returns the same links (and confirms a kit the widget made)',
        headers: KitHeaders,
        body: CreateShareKit,
        response: {
          201: jsonAnswer('a new kit, or new channels added to the kit of this URL', ShareKitView),
          200: jsonAnswer(
            'the kit of this URL already had every channel named: the same links as before',
            ShareKitView,
          ),
          ...problemResponses(400, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const idempotencyKey = request.headers['idempotency-key']
      const made = await shareKitFor(request, request.body, { ...opts, idempotencyKey })
      return reply.code(made.status).send(toShareKitView(made.content, made.links, opts))
    },
  )

  api.get(
    '/shares/:id',
    {
      config: { scope: 'links:read' },
      schema: {
        tags: ['shares'],
        summary: 'Read a share kit with all its channel links',
        params: ShareParams,
        response: { 200: ShareKitView, ...problemResponses(404) },
      },
    },
    async (request) => {
      const content = await findContent(db, request.params.id)
      if (!content) throw Problem.notFound(`share kit ${request.params.id}`)
      return toShareKitView(content, await liveLinksOfContents(db, [content.id]), opts)
    },
  )

  // A secret key's scope: publishable keys (shares:write) sit in page source and must not retag anything.
  api.patch(
    '/shares/:id',
    {
      config: { scope: 'links:write' },
      schema: {
        tags: ['shares'],
        summary:
          "Change a kit's title, topics or campaign: the content and every link of its kit, so reports follow; confirms the kit's text",
        params: ShareParams,
        body: UpdateShareKit,
        response: { 200: ShareKitView, ...problemResponses(404) },
      },
    },
    async (request) => {
      const content = await inTransaction(db.pool, async (client) => {
        const before = await findContent(client, request.params.id)
        const after = before && (await updateContent(client, request.params.id, request.body))
        if (!before || !after) throw Problem.notFound(`share kit ${request.params.id}`)
        const text = (c: typeof after) => ({ title: c.title, topics: c.topics, campaign: c.campaign })
        const change = changedFields(text(before), text(after))
        const entry = { entity: 'kit', entityId: after.id, action: 'update', ...change }
        await recordAudit(client, { actor: actorOf(request.principal), ...entry })
        return after
      })
      return toShareKitView(content, await liveLinksOfContents(db, [content.id]), opts)
    },
  )

  api.get(
    '/shares',
    {
      config: { scope: 'links:read' },
      schema: {
        tags: ['shares'],
        summary: 'List share kits, newest first, by topic or campaign',
        querystring: ListSharesQuery,
        response: { 200: ShareKitList },
      },
    },
    async (request) => {
      const { limit, cursor, topic, campaign } = request.query
      const rows = await listContents(db, {
        topic,
        campaign,
        limit: limit + 1,
        beforeId: cursor ? decodeIdCursor(cursor) : undefined,
      })
      const page = rows.slice(0, limit)
      const links = await liveLinksOfContents(
        db,
        page.map((c) => c.id),
      )
      const byContent = new Map<string, LinkRow[]>()
      for (const l of links) if (l.content_id) byContent.set(l.content_id, [...(byContent.get(l.content_id) ?? []), l])
      return {
        items: page.map((c) => toShareKitView(c, byContent.get(c.id) ?? [], opts)),
        nextCursor: rows.length > limit ? encodeIdCursor(page[page.length - 1].id) : null,
      }
    },
  )
}
