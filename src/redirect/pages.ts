import type { FastifyReply } from 'fastify'

const page = (title: string, message: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
</head><body><h1>${title}</h1><p>${message}</p></body></html>`

const NOT_FOUND = page('Link not found', 'This short link does not exist. Check that it was copied completely.')
const GONE = page('Link no longer available', 'This short link has been disabled or has expired.')
const UNAVAILABLE = page('Temporarily unavailable', 'This link cannot be resolved right now. Please try again in a moment.')
const TOO_MANY = page('Too many requests', 'Too many unknown links were requested from your network. Please wait a moment.')

const send = (reply: FastifyReply, status: number, html: string) =>
  reply
    .code(status)
    .headers(reply.server.pageSecurityHeaders)
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .type('text/html; charset=utf-8')
    .send(html)

/** 404 and 410 answers are rate-limited per client IP, so codes cannot be enumerated; a live link's 302 never is. */
async function sendMissPage(reply: FastifyReply, status: number, html: string) {
  const verdict = await reply.server.limitMissPage(reply.request)
  reply.headers({ 'ratelimit-limit': verdict.limit, 'ratelimit-remaining': verdict.remaining, 'ratelimit-reset': verdict.resetSeconds })
  if (verdict.exceeded) return send(reply.header('retry-after', verdict.resetSeconds), 429, TOO_MANY)
  return send(reply, status, html)
}

export const sendNotFoundPage = (reply: FastifyReply) => sendMissPage(reply, 404, NOT_FOUND)
export const sendGonePage = (reply: FastifyReply) => sendMissPage(reply, 410, GONE)
export const sendUnavailablePage = (reply: FastifyReply) => send(reply.header('retry-after', '5'), 503, UNAVAILABLE)
