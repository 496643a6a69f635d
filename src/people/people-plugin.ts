import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { tooManyProblem, FailureLimiter } from '../api/failure-limiter.ts'
import { Problem } from '../infra/problem.ts'
import { hashToken } from './single-use-tokens.ts'
import { countPeople, findPersonByEmail, findPersonById, type PersonRow } from './people-repository.ts'
import { verifyPassword } from './passwords.ts'
import { personPrincipal } from './person-principal.ts'
import { createMailer, type Mailer } from './mailer.ts'

declare module 'fastify' {
  interface FastifyInstance {
    people: People
  }
}

export type People = {
  /** The person whose email and password these are (401 otherwise, the same for an unknown email). */
  checkPassword(request: FastifyRequest, email: string, password: string): Promise<PersonRow>
  /** The first-run setup URL while no account exists and the token is unused, else null. */
  setupUrl(): string | null
  /** Uses the setup token up if `token` is it (constant-time); false otherwise. */
  takeSetupToken(token: string): boolean
  /** An absolute link into the dashboard for a single-use token. */
  linkTo(page: 'invitation' | 'password', token: string): string
  mailer: Mailer | null
}

export type PeoplePluginOptions = {
  publicUrl: string
  adminApiKey: string | undefined
  smtpUrl: string | undefined
  mailFrom: string
  /** Failed sign-ins per account per window before every attempt on it gets 429 for the rest of the window. */
  accountFailures: { max: number; windowMs: number }
}

const WRONG = 'the email or password is not right'

/**
 * People: the person behind a session (for the auth plugin), password checks with per-account and per-client
 * failure budgets, the first-run setup token, and the mailer for invitations.
 */
export const peoplePlugin = fp(
  async (app, opts: PeoplePluginOptions) => {
    const accounts = new FailureLimiter(opts.accountFailures.max, opts.accountFailures.windowMs, 100_000)
    let setupTokenHash: Buffer | null = null
    let setupToken: string | null = null
    const mailer = opts.smtpUrl ? createMailer(opts.smtpUrl, opts.mailFrom) : null
    if (mailer) app.addHook('onClose', () => mailer.close())

    app.decorate('personPrincipal', async (personId: string) => {
      const person = await findPersonById(app.pg, personId)
      return person && !person.suspended_at ? personPrincipal(person) : null
    })

    app.decorate('people', {
      async checkPassword(request, email, password) {
        const client = app.authFailures.refuseSpent(request)
        const account = `account:${email.trim().toLowerCase()}`
        const refusal = accounts.refusal(account)
        if (refusal) throw tooManyProblem(refusal, 'too many failed sign-ins for this account')
        const person = await findPersonByEmail(app.pg, email.trim())
        // Always one scrypt, so an unknown email takes as long as a wrong password.
        const right = await verifyPassword(password, person?.password_hash ?? null)
        if (!person || !right) {
          accounts.count(account)
          app.authFailures.count(client)
          throw Problem.unauthorized(WRONG)
        }
        if (person.suspended_at) throw Problem.forbidden('this account is suspended; ask an owner or admin')
        return person
      },
      setupUrl: () => (setupToken ? `${opts.publicUrl}/dashboard/setup?token=${setupToken}` : null),
      takeSetupToken(token) {
        const hash = hashToken(token)
        if (!setupTokenHash || !timingSafeEqual(hash, setupTokenHash)) return false
        setupTokenHash = null
        setupToken = null
        return true
      },
      // The invitation page is /dashboard/join: GET /dashboard/invitation is the JSON answer it reads.
      linkTo: (page, token) => `${opts.publicUrl}/dashboard/${page === 'invitation' ? 'join' : page}?token=${token}`,
      mailer,
    } satisfies People)

    // First run: nobody can sign in yet, so a single-use setup link (valid until used or restart) makes the owner.
    app.addHook('onReady', async () => {
      if (opts.adminApiKey || (await countPeople(app.pg)) > 0) return
      setupToken = randomBytes(32).toString('base64url')
      setupTokenHash = hashToken(setupToken)
    })
  },
  { name: 'people', dependencies: ['database', 'auth'] },
)
