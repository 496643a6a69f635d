import type { FastifyInstance } from 'fastify'
import type { AuditActor } from '../audit/record-audit.ts'
import { recordAudit } from '../audit/record-audit.ts'
import { Problem } from '../infra/problem.ts'
import { inTransaction } from '../infra/transaction.ts'
import { findPersonByEmail, type PersonRow } from './people-repository.ts'
import type { Role } from './roles.ts'
import { INVITATION_TTL_MS, issueToken, PASSWORD_LINK_TTL_MS, retirePasswordLinks } from './single-use-tokens.ts'

/** Sends a mail if a mailer is set up; a mail server that refuses is logged, the link is still shown. */
async function tryMail(app: FastifyInstance, to: string, subject: string, text: string): Promise<boolean> {
  if (!app.people.mailer) return false
  try {
    await app.people.mailer.send({ to, subject, text })
    return true
  } catch (err) {
    app.log.warn({ err }, 'mail not sent; the link was shown to the inviter')
    return false
  }
}

/** An invitation: a single-use link for `email` to join as `role`, valid 7 days, recorded in the audit log. */
export async function inviteMember(
  app: FastifyInstance,
  input: { email: string; role: Role; actor: AuditActor; invitedBy: string | null },
) {
  const { token, row } = await inTransaction(app.pg.pool, async (client) => {
    if (await findPersonByEmail(client, input.email))
      throw Problem.conflict(`${input.email} is a member already`, 'email')
    const issued = await issueToken(client, {
      purpose: 'invitation',
      email: input.email,
      role: input.role,
      createdBy: input.invitedBy,
      ttlMs: INVITATION_TTL_MS,
    })
    const after = { email: input.email, role: input.role, expiresAt: issued.row.expires_at.toISOString() }
    await recordAudit(client, {
      actor: input.actor,
      entity: 'invitation',
      entityId: issued.row.id,
      action: 'invite',
      after,
    })
    return issued
  })
  const url = app.people.linkTo('invitation', token)
  const emailed = await tryMail(
    app,
    input.email,
    'You are invited to Umbra',
    `${input.actor.name} invited you to Umbra as ${input.role}.\n\nChoose your password here (the link works once, for 7 days):\n${url}\n`,
  )
  return { row, url, emailed }
}

/** A new single-use password link for a member (earlier ones end), valid 24 hours. */
export async function passwordLinkFor(app: FastifyInstance, person: PersonRow, actor: AuditActor) {
  const { token, row } = await inTransaction(app.pg.pool, async (client) => {
    await retirePasswordLinks(client, person.id)
    const issued = await issueToken(client, {
      purpose: 'password',
      email: person.email,
      personId: person.id,
      createdBy: actor.kind === 'person' ? actor.id : null,
      ttlMs: PASSWORD_LINK_TTL_MS,
    })
    await recordAudit(client, { actor, entity: 'member', entityId: person.id, action: 'password-link' })
    return issued
  })
  const url = app.people.linkTo('password', token)
  const emailed = await tryMail(
    app,
    person.email,
    'Set your Umbra password',
    `Set a new password for ${person.email} here (the link works once, for 24 hours):\n${url}\n`,
  )
  return { url, expiresAt: row.expires_at.toISOString(), emailed }
}
