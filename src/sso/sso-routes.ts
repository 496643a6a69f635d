import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { recordAudit } from '../audit/record-audit.ts'
import { inTransaction } from '../infra/transaction.ts'
import { findPersonByEmail, findPersonBySubject, insertPerson, linkSubject } from '../people/people-repository.ts'
import { signInAs } from '../people/person-session.ts'
import {
  createOidcClient,
  emailRefusal,
  openPending,
  roleFromGroups,
  sealPending,
  type OidcSettings,
} from './sso-login.ts'

const PENDING_COOKIE = 'umbra_sso'

/**
 * Single sign-on with OpenID Connect: /dashboard/sso/start sends the browser to the identity provider (PKCE,
 * state, nonce in a signed cookie), /dashboard/sso/callback checks its answer and signs the person in,
 * making them a member (OIDC_DEFAULT_ROLE or their group's role) the first time.
 */
export const ssoRoutes: FastifyPluginAsync<{ settings: OidcSettings; publicUrl: string; secret: Buffer }> = async (
  app,
  { settings, publicUrl, secret },
) => {
  const client = createOidcClient(settings, `${publicUrl}/dashboard/sso/callback`)
  const secure = new URL(publicUrl).protocol === 'https:'
  // Lax, not Strict: the identity provider's redirect back is a navigation another site starts.
  const pendingCookie = { httpOnly: true, secure, sameSite: 'lax' as const, path: '/dashboard/sso/' }
  const fail = (reply: FastifyReply, why: string) =>
    reply.redirect(`/dashboard/sign-in?sso_error=${encodeURIComponent(why)}`, 302)

  app.get('/dashboard/sso/start', { schema: { hide: true } }, async (_request, reply) => {
    try {
      const { url, pending } = await client.start()
      reply.setCookie(PENDING_COOKIE, sealPending(pending, secret), { ...pendingCookie, maxAge: 600 })
      return reply.header('cache-control', 'no-store').redirect(url, 302)
    } catch (err) {
      app.log.warn({ err }, 'single sign-on: the identity provider cannot be reached')
      return fail(reply, 'the identity provider cannot be reached; try again later')
    }
  })

  app.get('/dashboard/sso/callback', { schema: { hide: true } }, async (request: FastifyRequest, reply) => {
    const pending = openPending(request.cookies[PENDING_COOKIE], secret)
    reply.clearCookie(PENDING_COOKIE, pendingCookie).header('cache-control', 'no-store')
    if (!pending) return fail(reply, 'the sign-in took too long or was started elsewhere; try again')
    let claims: Record<string, unknown>
    try {
      claims = await client.finish(new URL(request.url, publicUrl), pending)
    } catch (err) {
      app.log.warn({ err }, 'single sign-on: the answer of the identity provider was refused')
      return fail(reply, 'the identity provider’s answer could not be verified')
    }
    const refusal = emailRefusal(settings.allowedDomains, claims.email, claims.email_verified)
    if (refusal) return fail(reply, refusal)
    const email = String(claims.email)
    const subject = `${claims.iss}|${claims.sub}`
    const person = await inTransaction(app.pg.pool, async (tx) => {
      const known = (await findPersonBySubject(tx, subject)) ?? (await findPersonByEmail(tx, email))
      if (known) {
        if (!known.oidc_subject) await linkSubject(tx, known.id, subject)
        return known
      }
      const role = roleFromGroups(settings, claims[settings.groupsClaim])
      const name = typeof claims.name === 'string' ? claims.name.slice(0, 100) : null
      const made = await insertPerson(tx, { email, name, role, oidcSubject: subject })
      if (!made) return null
      const actor = { kind: 'sso' as const, id: made.id, name: email }
      await recordAudit(tx, {
        actor,
        entity: 'member',
        entityId: made.id,
        action: 'join',
        after: { email, role, sso: true },
      })
      return made
    })
    if (!person) return fail(reply, 'this account could not be created; ask an owner or admin')
    if (person.suspended_at) return fail(reply, 'this account is suspended; ask an owner or admin')
    await signInAs(request, reply, person)
    return reply.redirect('/dashboard/', 302)
  })
}
