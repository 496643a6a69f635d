import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { recordAudit } from '../audit/record-audit.ts'
import { forgeableWriteProblem } from '../dashboard/session-cookie.ts'
import { Problem, problemResponses } from '../infra/problem.ts'
import { inTransaction } from '../infra/transaction.ts'
import { passwordWeakness, hashPassword, verifyPassword } from './passwords.ts'
import { countPeople, insertPerson, type PersonRow, updatePerson } from './people-repository.ts'
import type { Role } from './roles.ts'
import {
  AcceptInvitation,
  ChangePassword,
  InvitationDetails,
  InvitationQuery,
  Profile,
  SetPassword,
  SetupBody,
  SignedIn,
  SignInOptions,
} from './people-schemas.ts'
import { signedInPerson, signInAs, toPersonView } from './person-session.ts'
import { consumeToken, peekToken, retirePasswordLinks } from './single-use-tokens.ts'

const acceptable = (field: string, password: string, email?: string) => {
  const weakness = passwordWeakness(password, email)
  if (weakness) throw Problem.field(field, weakness)
}
// One answer for a token that is unknown, used or expired: it says nothing about which.
const DEAD_LINK = 'this link is not valid: it was used already, has expired, or was withdrawn; ask for a new one'

/**
 * The people's own dashboard routes (no scope: each authenticates itself): first-run setup, accepting an
 * invitation, setting a password from a single-use link, and one's own profile (password, sessions).
 */
export const accountRoutes: FastifyPluginAsync<{ ssoEnabled: boolean }> = async (app, { ssoEnabled }) => {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const db = app.pg
  const guard = async (request: FastifyRequest) => {
    const forged = forgeableWriteProblem(request)
    if (forged) throw Problem.forbidden(forged)
  }
  const noStore = {
    onRequest: guard,
    onSend: async (_req: FastifyRequest, reply: FastifyReply) => void reply.header('cache-control', 'no-store'),
  }
  const tags = ['people']

  api.get(
    '/dashboard/sign-in-options',
    { ...noStore, schema: { tags, summary: 'How people can sign in here', response: { 200: SignInOptions } } },
    async () => ({ sso: ssoEnabled, setup: app.people.setupUrl() !== null }),
  )

  api.post(
    '/dashboard/setup',
    {
      ...noStore,
      schema: {
        tags,
        summary: 'First run: create the owner with the setup token from the server log (signs in)',
        body: SetupBody,
        response: { 201: SignedIn, ...problemResponses(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const { token, email, password, name } = request.body
      acceptable('password', password, email)
      if (!app.people.takeSetupToken(token))
        throw Problem.forbidden('this setup link is not valid (used already, or the server restarted): see the log')
      const passwordHash = await hashPassword(password)
      const owner = await inTransaction(db.pool, async (client) => {
        await client.query("select pg_advisory_xact_lock(hashtext('umbra people setup'))")
        if ((await countPeople(client)) > 0) throw Problem.conflict('an account exists already: sign in')
        const row = (await insertPerson(client, { email, name, role: 'owner', passwordHash })) as PersonRow
        const actor = { kind: 'person' as const, id: row.id, name: row.email }
        await recordAudit(client, {
          actor,
          entity: 'member',
          entityId: row.id,
          action: 'setup',
          after: { email, role: 'owner' },
        })
        return row
      })
      request.log.info({ personId: owner.id }, 'owner account created by first-run setup')
      return reply.code(201).send(await signInAs(request, reply, owner))
    },
  )

  api.get(
    '/dashboard/invitation',
    {
      ...noStore,
      schema: {
        tags,
        summary: 'What an invitation link offers (email and role), without using it',
        querystring: InvitationQuery,
        response: { 200: InvitationDetails, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const invitation = await peekToken(db, request.query.token, 'invitation')
      if (!invitation) throw Problem.notFound(DEAD_LINK.replace('this link is not valid: ', 'the invitation: '))
      return { email: invitation.email, role: invitation.role as Role, expiresAt: invitation.expires_at.toISOString() }
    },
  )

  api.post(
    '/dashboard/invitation',
    {
      ...noStore,
      schema: {
        tags,
        summary: 'Accept an invitation: choose a password, become a member (signs in)',
        body: AcceptInvitation,
        response: { 201: SignedIn, ...problemResponses(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const { token, password, name } = request.body
      const preview = await peekToken(db, token, 'invitation')
      if (!preview) throw Problem.forbidden(DEAD_LINK)
      acceptable('password', password, preview.email)
      const passwordHash = await hashPassword(password)
      const person = await inTransaction(db.pool, async (client) => {
        const invitation = await consumeToken(client, token, 'invitation')
        if (!invitation) throw Problem.forbidden(DEAD_LINK)
        const { email, role } = invitation
        const row = await insertPerson(client, {
          email,
          name,
          role: role as Role,
          passwordHash,
          createdBy: invitation.created_by,
        })
        if (!row) throw Problem.conflict(`${email} is a member already: sign in`)
        const actor = { kind: 'person' as const, id: row.id, name: row.email }
        const after = { email, role, invitedBy: invitation.created_by }
        await recordAudit(client, { actor, entity: 'member', entityId: row.id, action: 'join', after })
        return row
      })
      return reply.code(201).send(await signInAs(request, reply, person))
    },
  )

  api.post(
    '/dashboard/password',
    {
      ...noStore,
      schema: {
        tags,
        summary: 'Set a password with a single-use password link (ends every other session; signs in)',
        body: SetPassword,
        response: { 201: SignedIn, ...problemResponses(400, 403) },
      },
    },
    async (request, reply) => {
      const { token, password } = request.body
      const preview = await peekToken(db, token, 'password')
      if (!preview) throw Problem.forbidden(DEAD_LINK)
      acceptable('password', password, preview.email)
      const passwordHash = await hashPassword(password)
      const person = await inTransaction(db.pool, async (client) => {
        const link = await consumeToken(client, token, 'password')
        if (!link) throw Problem.forbidden(DEAD_LINK)
        const row = await updatePerson(client, String(link.person_id), { passwordHash })
        if (!row || row.suspended_at) throw Problem.forbidden(DEAD_LINK)
        await retirePasswordLinks(client, row.id)
        await app.dashboardSessions.closeAllOfPerson(row.id, client)
        const actor = { kind: 'person' as const, id: row.id, name: row.email }
        await recordAudit(client, { actor, entity: 'member', entityId: row.id, action: 'set-password' })
        return row
      })
      return reply.code(201).send(await signInAs(request, reply, person))
    },
  )

  api.get(
    '/dashboard/profile',
    {
      ...noStore,
      schema: { tags, summary: 'Who I am and my sessions', response: { 200: Profile, ...problemResponses(401, 403) } },
    },
    async (request) => {
      const { person, token } = await signedInPerson(request)
      const sessions = await app.dashboardSessions.listFor(person.id, token)
      return {
        person: toPersonView(person),
        sessions: sessions.map((s) => ({
          ...s,
          createdAt: s.createdAt.toISOString(),
          expiresAt: s.expiresAt.toISOString(),
        })),
      }
    },
  )

  api.put(
    '/dashboard/profile/password',
    {
      ...noStore,
      schema: {
        tags,
        summary: 'Change my password (the current one is needed; my other sessions end)',
        body: ChangePassword,
        response: { 204: z.null(), ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const { person, token } = await signedInPerson(request)
      const client = app.authFailures.refuseSpent(request)
      if (!(await verifyPassword(request.body.currentPassword, person.password_hash))) {
        app.authFailures.count(client)
        throw Problem.field('currentPassword', 'is not your current password')
      }
      acceptable('newPassword', request.body.newPassword, person.email)
      const passwordHash = await hashPassword(request.body.newPassword)
      await inTransaction(db.pool, async (tx) => {
        await updatePerson(tx, person.id, { passwordHash })
        await tx.query('delete from dashboard_sessions where person_id = $1 and id_hash <> sha256($2::bytea)', [
          person.id,
          Buffer.from(token),
        ])
        const actor = { kind: 'person' as const, id: person.id, name: person.email }
        await recordAudit(tx, { actor, entity: 'member', entityId: person.id, action: 'change-password' })
      })
      return reply.code(204).send(null)
    },
  )

  api.delete(
    '/dashboard/profile/sessions',
    {
      ...noStore,
      schema: {
        tags,
        summary: 'Sign out everywhere: ends every session of mine, this one too',
        response: { 204: z.null(), ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const { person } = await signedInPerson(request)
      await app.dashboardSessions.closeAllOfPerson(person.id)
      reply.clearCookie(app.dashboardSessions.cookie.name, app.dashboardSessions.cookie.options)
      return reply.code(204).send(null)
    },
  )
}
