import proxyAddr from '@fastify/proxy-addr'

/** Whether the address `hop` steps from us (0: the socket's peer, 1: the rightmost X-Forwarded-For, …) is a proxy we trust. */
export type ProxyTrust = (address: string, hop: number) => boolean

/** TRUST_PROXY as configured: no proxy, the number of proxies in front, or their addresses/CIDRs. */
export type TrustProxySetting = false | number | readonly string[]

/**
 * The trust function for a setting, handed to Fastify as `trustProxy` and to clientAddress, so both derive
 * the same client. Null when no proxy is trusted. Throws on an address proxy-addr cannot parse.
 */
export function proxyTrustOf(setting: TrustProxySetting): ProxyTrust | null {
  if (setting === false || setting === 0) return null
  if (typeof setting === 'number') return (_address, hop) => hop < setting
  return proxyAddr.compile([...setting])
}

const isBlank = (c: number) => c === 0x20 || c === 0x09

/**
 * The client's address: walking from the socket's peer leftwards through X-Forwarded-For, the first address
 * not trusted as a proxy (the leftmost one if all are). This is @fastify/proxy-addr's derivation (Fastify's
 * request.ip), repeated here for the fast path's raw header reader, which has no Fastify request; addresses
 * are split on commas and trimmed of spaces and tabs as @fastify/forwarded does. `forwardedFor` is every
 * X-Forwarded-For header joined with ", " (as Node joins them). Allocates nothing when no proxy is trusted.
 */
export function clientAddress(
  socketAddress: string,
  forwardedFor: string | undefined,
  trust: ProxyTrust | null,
): string {
  if (trust === null || !forwardedFor || !trust(socketAddress, 0)) return socketAddress
  if (forwardedFor.indexOf(',') === -1) {
    const only = forwardedFor.trim()
    return only.length > 0 ? only : socketAddress
  }
  let hop = 0
  let candidate = socketAddress
  let end = forwardedFor.length
  let start = end
  for (let i = end - 1; i >= -1; i--) {
    const c = i === -1 ? 0x2c : forwardedFor.charCodeAt(i)
    if (isBlank(c)) {
      if (start === end) start = end = i
    } else if (c === 0x2c) {
      if (start !== end) {
        // The previous candidate was trusted (or it is the socket's peer, checked above): step past it.
        if (hop > 0 && !trust(candidate, hop)) return candidate
        candidate = forwardedFor.slice(start, end)
        hop++
      }
      start = end = i
    } else {
      start = i
    }
  }
  return candidate
}
