import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { decodeIdCursor, encodeIdCursor } from '../infra/id-cursor.ts'
import { jsonAnswer } from '../infra/documented-answers.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import { resolvePublic, targetUrlProblem } from './webhook-post.ts'
import {
  deleteWebhook,
  findWebhook,
  insertWebhook,
  listAttempts,
  listWebhooks,
  replayDeliveries,
  updateWebhook,
} from './webhook-repository.ts'
import {
  AttemptList,
  CreatedWebhook,
  CreateWebhook,
  ListQuery,
  Replay,
  ReplayAnswer,
  UpdateWebhook,
  WebhookList,
  WebhookParams,
  WebhookView,
} from './webhook-schemas.ts'
import { newWebhookSecret, type SecretBox } from './webhook-secret.ts'
import { toAttemptView, toWebhookView } from './webhook-view.ts'

export type WebhooksRoutesOptions = { allowPrivate: boolean; secrets: SecretBox }

const tags = ['webhooks']

/** Subscriptions to events, their delivery log and replays. */
export const webhooksRoutes: FastifyPluginAsync<WebhooksRoutesOptions> = async (app, { allowPrivate, secrets }) => {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const db = app.pg

  /** https and public after DNS unless allowed; checked again at each delivery. */
  async function acceptTarget(url: string): Promise<string> {
    const problem = targetUrlProblem(url, allowPrivate)
    if (problem) throw Problem.field('url', problem)
    await resolvePublic(new URL(url).hostname.replace(/^\[|\]$/g, ''), allowPrivate).catch((err: Error) => {
      throw Problem.field('url', err.message)
    })
    return new URL(url).toString()
  }

  api.post(
    '/webhooks',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags,
        summary: 'Subscribe an endpoint to events (the answer carries the signing secret, once)',
        body: CreateWebhook,
        response: {
          201: jsonAnswer('the webhook, with its signing secret (shown only here)', CreatedWebhook),
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      const url = await acceptTarget(request.body.url)
      const secret = newWebhookSecret()
      const row = await insertWebhook(db, {
        url,
        events: request.body.events,
        active: request.body.active,
        description: request.body.description ?? null,
        secretSealed: secrets.seal(secret),
      })
      return reply.code(201).send({ ...toWebhookView(row), secret })
    },
  )

  api.get(
    '/webhooks',
    {
      config: { scope: 'webhooks:read' },
      schema: {
        tags,
        summary: 'List webhooks',
        querystring: ListQuery,
        response: { 200: jsonAnswer('a page of webhooks', WebhookList), ...problemResponses(400) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query
      const rows = await listWebhooks(db, cursor ? decodeIdCursor(cursor) : null, limit + 1)
      const page = rows.slice(0, limit)
      return {
        items: page.map(toWebhookView),
        nextCursor: rows.length > limit ? encodeIdCursor(page[page.length - 1].id) : null,
      }
    },
  )

  api.get(
    '/webhooks/:id',
    {
      config: { scope: 'webhooks:read' },
      schema: {
        tags,
        summary: 'Read one webhook',
        params: WebhookParams,
        response: { 200: jsonAnswer('the webhook', WebhookView), ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const row = await findWebhook(db, request.params.id)
      if (!row) throw Problem.notFound(`webhook ${request.params.id}`)
      return toWebhookView(row)
    },
  )

  api.patch(
    '/webhooks/:id',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags,
        summary: 'Change a webhook (active: true re-activates a disabled one)',
        params: WebhookParams,
        body: UpdateWebhook,
        response: { 200: jsonAnswer('the changed webhook', WebhookView), ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const patch = { ...request.body }
      if (patch.url !== undefined) patch.url = await acceptTarget(patch.url)
      const row = await updateWebhook(db, request.params.id, patch)
      if (!row) throw Problem.notFound(`webhook ${request.params.id}`)
      return toWebhookView(row)
    },
  )

  api.delete(
    '/webhooks/:id',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags,
        summary: 'Delete a webhook and its pending deliveries',
        params: WebhookParams,
        response: { 204: z.null().describe('deleted'), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      if (!(await deleteWebhook(db, request.params.id))) throw Problem.notFound(`webhook ${request.params.id}`)
      return reply.code(204).send(null)
    },
  )

  api.get(
    '/webhooks/:id/deliveries',
    {
      config: { scope: 'webhooks:read' },
      schema: {
        tags,
        summary: "The endpoint's delivery log, newest attempt first",
        params: WebhookParams,
        querystring: ListQuery,
        response: { 200: jsonAnswer('a page of delivery attempts', AttemptList), ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      if (!(await findWebhook(db, request.params.id))) throw Problem.notFound(`webhook ${request.params.id}`)
      const { limit, cursor } = request.query
      const rows = await listAttempts(db, request.params.id, cursor ? decodeIdCursor(cursor) : null, limit + 1)
      const page = rows.slice(0, limit)
      return {
        items: page.map(toAttemptView),
        nextCursor: rows.length > limit ? encodeIdCursor(page[page.length - 1].id) : null,
      }
    },
  )

  api.post(
    '/webhooks/:id/replay',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags,
        summary: 'Deliver again one event, or every event of a time range (same webhook-id)',
        params: WebhookParams,
        body: Replay,
        response: { 202: jsonAnswer('how many deliveries are due again', ReplayAnswer), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      if (!(await findWebhook(db, request.params.id))) throw Problem.notFound(`webhook ${request.params.id}`)
      const replayed = await replayDeliveries(db, request.params.id, request.body)
      return reply.code(202).send({ replayed })
    },
  )
}
