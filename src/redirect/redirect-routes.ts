import type { FastifyBaseLogger, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { FailureLimiter } from '../api/failure-limiter.ts'
import { clientKey } from '../api/rate-limits.ts'
import type { PlaceLookup } from '../clicks/capture/country-lookup.ts'
import { type DomainRegistry, linkKeyOf } from '../domains/domain-registry.ts'
import type { ProxyTrust } from '../infra/client-address.ts'
import type { LinkCache, ResolvedLink } from '../links/link-cache.ts'
import { verifyPassword } from '../links/password-hash.ts'
import { sendGonePage, sendNotFoundPage, sendTooManyPage, sendUnavailablePage } from './pages.ts'
import {
  ANY_CODE,
  answerOf,
  captureRequestReader,
  type ClickReferencer,
  fallbackOf,
  isLive,
  locationOf,
  needsPassword,
  type PageAnswer,
  REDIRECT_HEADERS,
  REDIRECT_STATUS,
} from './redirect-answer.ts'
import { FORM_PAGE_CSP, passwordPage } from './routing-pages.ts'
import { installRedirectFastPath } from './redirect-fast-path.ts'
import { noAnswers, registerRedirectMetrics } from './redirect-metrics.ts'

export type RedirectRoutesOptions = {
  linkCache: LinkCache
  /** Which domain a Host header names: the cache key of a code is per domain. */
  domains: Pick<DomainRegistry, 'domainOfHost' | 'settingsOf' | 'hasOthers'>
  /** The trust function Fastify was given (src/infra/client-address.ts), for the fast path's raw reader. */
  proxyTrust?: ProxyTrust | null
  /** COUNTRY_HEADER: the header a proxy puts the visitor's country in. */
  countryHeader?: string
  /** The IP database (GEOIP_DB) for a request without COUNTRY_HEADER. */
  placeOf?: PlaceLookup | null
  /** Answer cached live links ahead of Fastify (redirect-fast-path.ts); the route below answers the rest. */
  fastPath?: boolean
  /** Wrong passwords per client and window (RATE_LIMIT_PASSWORDS, RATE_LIMIT_WINDOW_MS). */
  passwordAttempts?: { max: number; windowMs: number }
  /** Adds the click reference to a conversion-tracking link's target. */
  referencer?: ClickReferencer
}

const PASSWORD_CLIENTS_MAX = 100_000
// After a form post, 303: the browser follows with a GET whatever the method was.
const AFTER_POST_STATUS = 303

const sendRedirect = (reply: FastifyReply, url: string) =>
  void reply.redirect(url, reply.request.method === 'POST' ? AFTER_POST_STATUS : REDIRECT_STATUS)

function sendHtml(reply: FastifyReply, status: number, html: string, csp: string) {
  reply
    .code(status)
    .headers(reply.server.pageSecurityHeaders)
    .headers(REDIRECT_HEADERS)
    .header('content-security-policy', csp)
    .type('text/html; charset=utf-8')
    .send(html)
}
const sendPage = (reply: FastifyReply, page: PageAnswer) => sendHtml(reply, 200, page.html, page.csp)

/**
 * GET /:code — the hot path: resolve (cache first) → capture the click → 302 once its journal line is
 * written. HEAD answers the same and is not counted (Fastify derives it from GET).
 */
export const redirectRoutes: FastifyPluginAsync<RedirectRoutesOptions> = async (
  app,
  {
    linkCache,
    domains,
    proxyTrust = null,
    countryHeader,
    placeOf = null,
    fastPath = false,
    passwordAttempts = { max: 10, windowMs: 60_000 },
    referencer,
  },
) => {
  const { capture, writer } = app.clicks
  const readRequest = captureRequestReader({ proxyTrust, countryHeader, placeOf })
  const missPages = app.missPages
  const answered = noAnswers()
  if (app.hasDecorator('metrics')) registerRedirectMetrics(app.metrics.registry, answered, linkCache.stats)
  // One logger for every redirect, built once: a per-request child (with its request id) costs more than
  // the rest of the route. At the default level redirects log only what goes wrong (no "incoming
  // request" / "request completed" pair per click); LOG_LEVEL=debug brings those back.
  const log = app.log.child({ component: 'redirect' }, { level: app.log.level === 'info' ? 'warn' : app.log.level })

  const wrongPasswords = new FailureLimiter(passwordAttempts.max, passwordAttempts.windowMs, PASSWORD_CLIENTS_MAX)
  const sweeper = setInterval(() => wrongPasswords.sweep(), passwordAttempts.windowMs).unref()
  app.addHook('onClose', async () => clearInterval(sweeper))

  /** 404, 410, or the fallback of an expired or spent link (null: the link is live). */
  function refuse(
    reply: FastifyReply,
    link: ResolvedLink | null,
    domain: string,
  ): { link: ResolvedLink; fallback: string | null } | null {
    if (!link) {
      answered[404]++
      sendNotFoundPage(reply, domains.settingsOf(domain)?.notFoundUrl)
      return null
    }
    if (isLive(link, Date.now())) return { link, fallback: null }
    const fallback = fallbackOf(link)
    if (fallback !== null) return { link, fallback }
    answered[410]++
    sendGonePage(reply)
    return null
  }

  /** Captures the click and answers it: the fallback, or what the link answers the click (answerOf). */
  function redirect(request: FastifyRequest, reply: FastifyReply, link: ResolvedLink, fallback: string | null) {
    let target: string | PageAnswer = fallback ?? link.url
    let clickId: number | null = null
    try {
      const outcome = capture(readRequest(request.raw), fallback === null ? link : { ...link, routing: null })
      clickId = outcome.clickId
      if (fallback === null) target = answerOf(link, outcome)
    } catch (err) {
      log.error({ err }, 'click capture failed')
    }
    // The click's journal line is written once per turn of the event loop for every request of that
    // turn; the answer leaves right after, so a redirect that got out always has its click on disk.
    if (typeof target !== 'string') {
      answered[200]++
      return writer.afterWrite(sendPage, reply, target)
    }
    answered[302]++
    reply.headers(REDIRECT_HEADERS)
    writer.afterWrite(sendRedirect, reply, locationOf(link, target, clickId, referencer))
  }

  function answer(request: FastifyRequest, reply: FastifyReply, found: ResolvedLink | null, domain: string) {
    const state = refuse(reply, found, domain)
    if (state === null) return
    // A password-protected link answers its form; the click is counted when the right password is posted.
    if (state.fallback === null && needsPassword(state.link)) {
      answered[200]++
      return sendHtml(reply, 200, passwordPage(false), FORM_PAGE_CSP)
    }
    redirect(request, reply, state.link, state.fallback)
  }

  /** POST /:code with the password form: the redirect on the right password, the form again (401) otherwise. */
  async function answerPassword(
    request: FastifyRequest<{ Body: unknown }>,
    reply: FastifyReply,
    link: ResolvedLink,
    passwordHash: string,
  ) {
    const client = clientKey(request.ip)
    const refused = wrongPasswords.refusal(client)
    if (refused) {
      answered[429]++
      return sendTooManyPage(reply, refused)
    }
    const body = request.body as { password?: unknown } | null
    const password = typeof body?.password === 'string' ? body.password : ''
    if (password !== '' && (await verifyPassword(password, passwordHash))) return redirect(request, reply, link, null)
    const verdict = wrongPasswords.count(client)
    if (verdict.exceeded) {
      answered[429]++
      return sendTooManyPage(reply, verdict)
    }
    answered[401]++
    return sendHtml(reply, 401, passwordPage(true), FORM_PAGE_CSP)
  }

  app.get<{ Params: { code: string } }>(
    '/:code',
    { childLoggerFactory: () => log as FastifyBaseLogger },
    (request, reply) => {
      // A client past its 404/410 budget gets 429 for every code, live ones too, before any lookup: else a
      // 302 among the 429s would still tell it which codes exist.
      if (missPages.blocked.size !== 0) {
        const refusal = missPages.refusal(clientKey(request.ip))
        if (refusal) {
          answered[429]++
          return sendTooManyPage(reply, refusal)
        }
      }
      const code = request.params.code
      const domain = domains.domainOfHost(request.headers.host)
      if (!ANY_CODE.test(code)) {
        answered[404]++
        return sendNotFoundPage(reply, domains.settingsOf(domain)?.notFoundUrl)
      }
      const key = linkKeyOf(domain, code)
      const hit = linkCache.peek(key)
      if (hit !== undefined) return answer(request, reply, hit, domain)
      linkCache.resolve(key).then(
        (link) => answer(request, reply, link, domain),
        (err) => {
          log.warn({ err, code }, 'link lookup failed')
          answered[503]++
          return sendUnavailablePage(reply)
        },
      )
    },
  )

  // The password form posts application/x-www-form-urlencoded; only this plugin reads it.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  )
  app.post<{ Params: { code: string }; Body: unknown }>(
    '/:code',
    { childLoggerFactory: () => log as FastifyBaseLogger, bodyLimit: 4096 },
    async (request, reply) => {
      const code = request.params.code
      const domain = domains.domainOfHost(request.headers.host)
      if (!ANY_CODE.test(code)) {
        answered[404]++
        return sendNotFoundPage(reply, domains.settingsOf(domain)?.notFoundUrl)
      }
      const key = linkKeyOf(domain, code)
      let link: ResolvedLink | null
      try {
        const hit = linkCache.peek(key)
        link = hit !== undefined ? hit : await linkCache.resolve(key)
      } catch (err) {
        log.warn({ err, code }, 'link lookup failed')
        answered[503]++
        return sendUnavailablePage(reply)
      }
      const state = refuse(reply, link, domain)
      if (state === null) return reply
      const passwordHash = state.fallback === null ? (state.link.routing?.passwordHash ?? null) : null
      if (passwordHash !== null) await answerPassword(request, reply, state.link, passwordHash)
      else redirect(request, reply, state.link, state.fallback)
      return reply
    },
  )

  if (fastPath)
    installRedirectFastPath(app, {
      linkCache,
      domains,
      capture,
      referencer,
      afterWrite: writer.afterWrite,
      answered,
      readRequest,
      missPages,
      onCaptureError: (err) => log.error({ err }, 'click capture failed'),
    })
}
