import type { FastifyReply } from 'fastify'
import { clientKey, type RateVerdict } from '../api/rate-limits.ts'

const page = (title: string, message: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
</head><body><h1>${title}</h1><p>${message}</p></body></html>`

const NOT_FOUND = page('Link not found', 'This short link does not exist. Check that it was copied completely.')
const GONE = page('Link no longer available', 'This short link has been disabled or has expired.')
const UNAVAILABLE = page(
  'Temporarily unavailable',
  'This link cannot be resolved right now. Please try again in a moment.',
)
const TOO_MANY = page(
  'Too many requests',
  'Too many unknown links were requested from your network. Please wait a moment.',
)

const send = (reply: FastifyReply, status: number, html: string) =>
  reply
    .code(status)
    .headers(reply.server.pageSecurityHeaders)
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .type('text/html; charset=utf-8')
    .send(html)

const rateHeaders = (reply: FastifyReply, verdict: RateVerdict) =>
  reply.headers({
    'ratelimit-limit': verdict.limit,
    'ratelimit-remaining': verdict.remaining,
    'ratelimit-reset': verdict.resetSeconds,
  })

/** The 429 page for a client past its 404/410 budget (redirect-routes.ts answers it for live codes too). */
export const sendTooManyPage = (reply: FastifyReply, verdict: RateVerdict) =>
  send(rateHeaders(reply, verdict).header('retry-after', verdict.resetSeconds), 429, TOO_MANY)

/**
 * 404 and 410 answers are counted per client, so codes cannot be enumerated; past the budget, 429. A domain
 * with a not-found URL sends unknown codes there instead of the page (counted alike).
 */
function sendMissPage(reply: FastifyReply, status: number, html: string, elsewhere?: string | null) {
  const limiter = reply.server.missPages
  const client = clientKey(reply.request.ip)
  const verdict = limiter.refusal(client) ?? limiter.count(client)
  if (verdict.exceeded) return sendTooManyPage(reply, verdict)
  if (elsewhere) return rateHeaders(reply, verdict).header('cache-control', 'no-store').redirect(elsewhere, 302)
  return send(rateHeaders(reply, verdict), status, html)
}

export const sendNotFoundPage = (reply: FastifyReply, notFoundUrl?: string | null) =>
  sendMissPage(reply, 404, NOT_FOUND, notFoundUrl)
export const sendGonePage = (reply: FastifyReply) => sendMissPage(reply, 410, GONE)
export const sendUnavailablePage = (reply: FastifyReply) => send(reply.header('retry-after', '5'), 503, UNAVAILABLE)
