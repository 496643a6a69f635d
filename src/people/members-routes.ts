import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { actorOf, changedFields, recordAudit } from '../audit/record-audit.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import { inTransaction } from '../infra/transaction.ts'
import { inviteMember, passwordLinkFor } from './invite-member.ts'
import {
  countActiveOwners,
  deletePerson,
  findPersonById,
  listPeople,
  type PersonRow,
  updatePerson,
} from './people-repository.ts'
import {
  CreatedInvitation,
  InviteBody,
  MemberList,
  MemberParams,
  MemberPatch,
  PasswordLink,
  PersonView,
} from './people-schemas.ts'
import { toPersonView } from './person-session.ts'
import { memberChangeRefusal, type Role } from './roles.ts'
import { listInvitations, withdrawInvitation, type TokenRow } from './single-use-tokens.ts'

const scope = 'members:admin' as const
const tags = ['members']

/** The caller's role: a person's own; ADMIN_API_KEY and keys with members:admin act as owners. */
const roleOf = (request: FastifyRequest): Role => (request.principal?.person?.role as Role | undefined) ?? 'owner'

const invitationView = (t: TokenRow) => ({
  id: t.id,
  email: t.email,
  role: t.role as Role,
  expiresAt: t.expires_at.toISOString(),
  invitedBy: t.created_by,
})

/** Members and invitations (owners and admins): invite, change role, suspend, remove, send a password link. */
export const membersRoutes: FastifyPluginAsync = async (app) => {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const db = app.pg

  const refuse = (request: FastifyRequest, target: Role | null, to?: Role) => {
    const refusal = memberChangeRefusal(roleOf(request), target, to)
    if (refusal) throw Problem.forbidden(refusal)
  }

  api.get(
    '/members',
    {
      config: { scope },
      schema: { tags, summary: 'Members and pending invitations', response: { 200: MemberList } },
    },
    async () => ({
      members: (await listPeople(db)).map(toPersonView),
      invitations: (await listInvitations(db)).map(invitationView),
    }),
  )

  api.post(
    '/members/invitations',
    {
      config: { scope },
      schema: {
        tags,
        summary:
          'Invite someone by email with a role: a single-use link valid 7 days (also mailed when SMTP_URL is set)',
        body: InviteBody,
        response: { 201: CreatedInvitation, ...problemResponses(400, 403, 409) },
      },
    },
    async (request, reply) => {
      refuse(request, null, request.body.role)
      const made = await inviteMember(app, {
        ...request.body,
        actor: actorOf(request.principal),
        invitedBy: request.principal?.person?.id ?? null,
      })
      return reply.code(201).send({ ...invitationView(made.row), url: made.url, emailed: made.emailed })
    },
  )

  api.delete(
    '/members/invitations/:id',
    {
      config: { scope },
      schema: {
        tags,
        summary: 'Withdraw a pending invitation (its link stops working)',
        params: MemberParams,
        response: { 204: z.null(), ...problemResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      await inTransaction(db.pool, async (client) => {
        const { rows } = await client.query("select role from people_tokens where id = $1 and purpose = 'invitation'", [
          request.params.id,
        ])
        if (rows[0]) refuse(request, null, rows[0].role)
        const row = await withdrawInvitation(client, request.params.id)
        if (!row) throw Problem.notFound(`invitation ${request.params.id}`)
        const before = { email: row.email, role: row.role }
        await recordAudit(client, {
          actor: actorOf(request.principal),
          entity: 'invitation',
          entityId: row.id,
          action: 'withdraw',
          before,
        })
      })
      return reply.code(204).send(null)
    },
  )

  api.patch(
    '/members/:id',
    {
      config: { scope },
      schema: {
        tags,
        summary: "Change a member's role, or suspend them (their sessions end at once) and restore them",
        params: MemberParams,
        body: MemberPatch,
        response: { 200: PersonView, ...problemResponses(400, 403, 404, 409) },
      },
    },
    async (request) => {
      const { id } = request.params
      const patch = request.body
      const row = await inTransaction(db.pool, async (client) => {
        const before = await findPersonById(client, id)
        if (!before) throw Problem.notFound(`member ${id}`)
        refuse(request, before.role, patch.role)
        const losesOwner = before.role === 'owner' && ((patch.role && patch.role !== 'owner') || patch.suspended)
        if (losesOwner && (await countActiveOwners(client)) <= 1)
          throw Problem.conflict('the last active owner cannot be demoted or suspended: make another owner first')
        const after = (await updatePerson(client, id, patch)) as PersonRow
        if (patch.suspended) await app.dashboardSessions.closeAllOfPerson(id, client)
        const change = changedFields(
          { role: before.role, suspended: before.suspended_at !== null },
          { role: after.role, suspended: after.suspended_at !== null },
        )
        await recordAudit(client, {
          actor: actorOf(request.principal),
          entity: 'member',
          entityId: id,
          action: 'update',
          ...change,
        })
        return after
      })
      return toPersonView(row)
    },
  )

  api.delete(
    '/members/:id',
    {
      config: { scope },
      schema: {
        tags,
        summary: 'Remove a member: their sessions end at once; what they made stays',
        params: MemberParams,
        response: { 204: z.null(), ...problemResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      await inTransaction(db.pool, async (client) => {
        const before = await findPersonById(client, id)
        if (!before) throw Problem.notFound(`member ${id}`)
        refuse(request, before.role)
        if (before.role === 'owner' && !before.suspended_at && (await countActiveOwners(client)) <= 1)
          throw Problem.conflict('the last active owner cannot be removed: make another owner first')
        await deletePerson(client, id) // sessions go with the row (on delete cascade)
        const was = { email: before.email, role: before.role }
        await recordAudit(client, {
          actor: actorOf(request.principal),
          entity: 'member',
          entityId: id,
          action: 'remove',
          before: was,
        })
      })
      return reply.code(204).send(null)
    },
  )

  api.post(
    '/members/:id/password-link',
    {
      config: { scope },
      schema: {
        tags,
        summary: 'Reset a password: a new single-use link for the member (earlier links stop working)',
        params: MemberParams,
        response: { 201: PasswordLink, ...problemResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const person = await findPersonById(db, request.params.id)
      if (!person) throw Problem.notFound(`member ${request.params.id}`)
      refuse(request, person.role)
      return reply.code(201).send(await passwordLinkFor(app, person, actorOf(request.principal)))
    },
  )
}
