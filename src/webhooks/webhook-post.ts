import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { isPublicAddress } from './public-address.ts'

/** How deliveries go out: private targets (and plain http) only when allowed; bounded in time and size. */
export type PostPolicy = { allowPrivate: boolean; timeoutMs: number }

export type PostOutcome = { status: number | null; latencyMs: number; response: string | null; error: string | null }

/** What of a response is read at most; the rest is cut off (the log keeps only a snippet anyway). */
const MAX_RESPONSE_BYTES = 64 * 1024
const SNIPPET_CHARS = 512

/** Why a URL cannot be a webhook target (before DNS), or null. */
export function targetUrlProblem(url: string, allowPrivate: boolean): string | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return 'must be an absolute URL'
  }
  if (u.protocol !== 'https:' && !(allowPrivate && u.protocol === 'http:'))
    return allowPrivate ? 'must be an http or https URL' : 'must be https (WEBHOOK_ALLOW_PRIVATE allows http)'
  if (u.username || u.password) return 'must not carry credentials'
  const host = u.hostname.replace(/^\[|\]$/g, '')
  if (!allowPrivate && isIP(host) && !isPublicAddress(host))
    return 'must be a public address (WEBHOOK_ALLOW_PRIVATE allows private ones)'
  return null
}

/** Resolves a host name; refuses it when any of its addresses is not public (unless allowed). */
export function resolvePublic(hostname: string, allowPrivate: boolean): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) return reject(new Error(`${hostname} does not resolve (${err.code ?? err.message})`))
      const refused = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address))
      if (refused) return reject(new Error(`${hostname} resolves to a non-public address`))
      resolve(addresses)
    }),
  )
}

/**
 * The connection's own lookup: the addresses it connects to are the ones just checked, so a DNS answer
 * that changes between the check and the connection (rebinding) cannot point it at a private address.
 */
const checkedLookup =
  (allowPrivate: boolean): LookupFunction =>
  (hostname, options, callback) => {
    resolvePublic(hostname, allowPrivate).then(
      (addresses) => {
        const wanted = options.family ? addresses.filter((a) => a.family === options.family) : addresses
        if (wanted.length === 0) return callback(new Error(`${hostname}: no address of the wanted family`), '', 0)
        if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, wanted)
        callback(null, wanted[0].address, wanted[0].family)
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    )
  }

/** POSTs one delivery; never throws: a refused target, a timeout or a network error is an outcome too. */
export function postWebhook(url: string, headers: Record<string, string>, body: string | Buffer, policy: PostPolicy) {
  const started = performance.now()
  const latency = () => Math.round(performance.now() - started)
  return new Promise<PostOutcome>((resolve) => {
    const problem = targetUrlProblem(url, policy.allowPrivate)
    if (problem) return resolve({ status: null, latencyMs: 0, response: null, error: `target refused: ${problem}` })
    let settled = false
    const finish = (o: Omit<PostOutcome, 'latencyMs'>) => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      resolve({ ...o, latencyMs: latency() })
    }
    const u = new URL(url)
    const client = u.protocol === 'https:' ? https : http
    const request = client.request(
      u,
      {
        method: 'POST',
        agent: false,
        lookup: checkedLookup(policy.allowPrivate),
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Umbra-Webhooks/1',
        },
      },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        const done = () =>
          finish({
            status: response.statusCode ?? null,
            response: Buffer.concat(chunks).toString('utf8').slice(0, SNIPPET_CHARS),
            error: null,
          })
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BYTES) chunks.push(chunk)
          size += chunk.length
          if (size >= MAX_RESPONSE_BYTES) {
            done()
            response.destroy()
          }
        })
        response.on('end', done)
        response.on('error', done)
      },
    )
    // A whole-request deadline: a receiver trickling bytes must not hold a delivery slot for long.
    const deadline = setTimeout(
      () => request.destroy(new Error(`timed out after ${policy.timeoutMs} ms`)),
      policy.timeoutMs,
    )
    request.on('error', (err) => finish({ status: null, response: null, error: err.message.slice(0, SNIPPET_CHARS) }))
    request.end(body)
  })
}
