import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { decodeIdCursor, encodeIdCursor } from '../infra/id-cursor.ts'
import { actorOf, recordAudit } from '../audit/record-audit.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import { inTransaction } from '../infra/transaction.ts'
import { listApiKeys, revokeApiKey, type ApiKeyRow } from './api-key-repository.ts'
import { createApiKey } from './create-api-key.ts'
import { CreatedKey, CreateKey, KeyList, KeyParams, type KeyView, ListKeysQuery } from './key-schemas.ts'

export function toKeyView(row: ApiKeyRow): z.infer<typeof KeyView> {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    origins: row.origins,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    createdBy: row.created_by_email,
  }
}

/** The keys API (scope keys:admin): create (the secret is in this one response), list, revoke. */
export const keysRoutes: FastifyPluginAsync = async (app) => {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const db = app.pg
  const log = app.log.child({ component: 'api-keys' })

  api.post(
    '/keys',
    {
      config: { scope: 'keys:admin' },
      schema: {
        tags: ['keys'],
        summary: 'Create an API key',
        description:
          'The `secret` is in this response only; Umbra keeps its sha-256. Publishable keys (`pk_…`) need `origins` and can only mint share kits.',
        body: CreateKey,
        response: { 201: CreatedKey, ...problemResponses(400, 403) },
      },
    },
    async (request, reply) => {
      const principal = request.principal
      const { row, secret } = await inTransaction(db.pool, async (client) => {
        // A key grants only what its maker holds: a person's role, a key's scopes.
        const request_ = {
          ...request.body,
          grantedBy: principal?.scopes ?? [],
          createdBy: principal?.person?.id ?? null,
        }
        const made = await createApiKey(client, request_)
        const after = { name: made.row.name, kind: made.row.kind, scopes: made.row.scopes, origins: made.row.origins }
        await recordAudit(client, {
          actor: actorOf(principal),
          entity: 'key',
          entityId: made.row.id,
          action: 'create',
          after,
        })
        return made
      })
      log.info(
        { keyId: row.id, prefix: row.prefix, kind: row.kind, scopes: row.scopes, by: request.principal?.keyId },
        'api key created',
      )
      return reply.code(201).send({ ...toKeyView(row), secret })
    },
  )

  api.get(
    '/keys',
    {
      config: { scope: 'keys:admin' },
      schema: {
        tags: ['keys'],
        summary: 'List API keys, newest first (never their secrets)',
        querystring: ListKeysQuery,
        response: { 200: KeyList, ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit, cursor, includeRevoked } = request.query
      const rows = await listApiKeys(db, {
        limit: limit + 1,
        beforeId: cursor ? decodeIdCursor(cursor) : undefined,
        includeRevoked,
      })
      const page = rows.slice(0, limit)
      return {
        items: page.map(toKeyView),
        nextCursor: rows.length > limit ? encodeIdCursor(page[page.length - 1].id) : null,
      }
    },
  )

  api.delete(
    '/keys/:id',
    {
      config: { scope: 'keys:admin' },
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key',
        description: 'Effective at once on this instance and within KEY_CACHE_TTL_MS (5 s by default) on the others.',
        params: KeyParams,
        response: { 204: z.null(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const row = await inTransaction(db.pool, async (client) => {
        const revoked = await revokeApiKey(client, request.params.id)
        if (!revoked) throw Problem.notFound(`key ${request.params.id}`)
        const before = { name: revoked.name, prefix: revoked.prefix, scopes: revoked.scopes }
        const actor = actorOf(request.principal)
        await recordAudit(client, { actor, entity: 'key', entityId: revoked.id, action: 'revoke', before })
        return revoked
      })
      app.apiKeys.forget(row.id)
      log.info({ keyId: row.id, prefix: row.prefix, by: request.principal?.keyId }, 'api key revoked')
      return reply.code(204).send(null)
    },
  )
}
