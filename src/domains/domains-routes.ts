import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { actorOf } from '../audit/record-audit.ts'
import { problemResponses } from '../infra/problem.ts'
import { addDomain, changeDomain, type DomainChanger, removeDomain } from './domain-changes.ts'
import type { DomainRegistry } from './domain-registry.ts'
import { listDomains, type DomainRow } from './domain-repository.ts'
import { CreateDomain, DomainList, DomainParams, DomainView, UpdateDomain } from './domain-schemas.ts'

export type DomainsRoutesOptions = { registry: DomainRegistry; reload: () => Promise<void> }

const toDomainView = (d: DomainRow): DomainView => ({
  host: d.host,
  default: false,
  rootRedirect: d.rootRedirect,
  notFoundUrl: d.notFoundUrl,
  links: d.links,
  createdAt: d.createdAt.toISOString(),
})

/**
 * The short domains this server answers on. Reading them is links:read (a link's creator picks one);
 * adding or removing one changes which hosts the whole instance answers as, an operator's decision like
 * API keys, so it takes keys:admin rather than the links:write a CMS integration holds.
 */
export const domainsRoutes: FastifyPluginAsync<DomainsRoutesOptions> = async (app, { registry, reload }) => {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const db = app.pg
  const changerOf = (request: FastifyRequest): DomainChanger => ({
    db: db.pool,
    defaultHost: registry.defaultHost,
    actor: actorOf(request.principal),
  })

  api.get(
    '/domains',
    {
      config: { scope: 'links:read' },
      schema: {
        tags: ['domains'],
        summary: "The short domains served: PUBLIC_URL's host first, then the others",
        response: { 200: DomainList },
      },
    },
    async () => {
      const rows = await listDomains(db)
      const own = {
        host: registry.defaultHost,
        default: true,
        rootRedirect: null,
        notFoundUrl: null,
        links: null,
        createdAt: null,
      }
      return { items: [own, ...rows.filter((d) => d.host !== registry.defaultHost).map(toDomainView)] }
    },
  )

  api.post(
    '/domains',
    {
      config: { scope: 'keys:admin' },
      schema: {
        tags: ['domains'],
        summary: 'Serve another short domain (point its DNS at this server; TLS stays with the proxy)',
        body: CreateDomain,
        response: { 201: DomainView, ...problemResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const row = await addDomain(changerOf(request), request.body)
      await reload()
      return reply.code(201).send(toDomainView(row))
    },
  )

  api.patch(
    '/domains/:host',
    {
      config: { scope: 'keys:admin' },
      schema: {
        tags: ['domains'],
        summary: "Change a domain's root redirect and not-found URL (null clears one)",
        params: DomainParams,
        body: UpdateDomain,
        response: { 200: DomainView, ...problemResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const row = await changeDomain(changerOf(request), request.params.host, request.body)
      await reload()
      return toDomainView(row)
    },
  )

  api.delete(
    '/domains/:host',
    {
      config: { scope: 'keys:admin' },
      schema: {
        tags: ['domains'],
        summary: 'Stop serving a domain that holds no links',
        params: DomainParams,
        response: { 204: z.null(), ...problemResponses(404, 409) },
      },
    },
    async (request, reply) => {
      await removeDomain(changerOf(request), request.params.host)
      await reload()
      return reply.code(204).send(null)
    },
  )
}
