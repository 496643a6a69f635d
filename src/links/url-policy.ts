import { BlockList, isIP } from 'node:net'
import { UNSAFE_TEXT_CHARS, UNSAFE_TEXT_MESSAGE } from './unsafe-text.ts'

export const MAX_URL_LENGTH = 2048
const MAX_HOST_LENGTH = 253

/**
 * Hosts that name the machine itself, whatever server it is: a link to them would bounce a visitor's browser
 * back to its own machine, or (for ours) loop. The WHATWG parser has already turned 2130706433, 0x7f.1 and
 * 127.1 into 127.0.0.1, and [::ffff:127.0.0.1] into [::ffff:7f00:1]; BlockList matches IPv4-mapped IPv6.
 */
const SELF_ADDRESSES = new BlockList()
SELF_ADDRESSES.addSubnet('127.0.0.0', 8, 'ipv4') // loopback
SELF_ADDRESSES.addSubnet('0.0.0.0', 8, 'ipv4') // "this host": 0.0.0.0 reaches the local machine
SELF_ADDRESSES.addSubnet('::', 96, 'ipv6') // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
SELF_ADDRESSES.addSubnet('::ffff:0:7f00:0', 104, 'ipv6') // IPv4-translated 127/8
SELF_ADDRESSES.addSubnet('::ffff:0:0:0', 104, 'ipv6') // IPv4-translated 0/8
SELF_ADDRESSES.addSubnet('64:ff9b::7f00:0', 104, 'ipv6') // NAT64 of 127/8
SELF_ADDRESSES.addSubnet('64:ff9b::', 104, 'ipv6') // NAT64 of 0/8
const SELF_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback'])

/** Whether a URL's hostname (lower case, brackets and trailing dot allowed) is loopback or unspecified. */
export function isSelfHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  if (SELF_NAMES.has(host) || host.endsWith('.localhost')) return true
  const address = host.replace(/^\[(.*)\]$/, '$1')
  const family = isIP(address)
  return family !== 0 && SELF_ADDRESSES.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

/** `host`, `host:port`, `[v6]` or `[v6]:port` → the hostname alone, lower case, without a trailing dot. */
export const hostnameOf = (host: string) =>
  host
    .toLowerCase()
    .replace(/^(\[[^\]]*\]|[^:]*)(:\d*)?$/, '$1')
    .replace(/\.$/, '')

/** ownHosts: every host this instance serves (any port: another port of the same name is still us). */
export type UrlPolicy = { ownHosts: readonly string[]; blockedDomains: readonly string[] }
export type UrlVerdict = { ok: true; url: string } | { ok: false; reason: string }

/**
 * The hosts an instance serves: PUBLIC_URL's and the listen address when it is a name or a specific address
 * (`0.0.0.0` and `::` are loopback-refused anyway), plus any other instance hosts configured.
 */
export function instanceHosts(publicUrl: string, listenHost: string, others: readonly string[] = []): string[] {
  // A bare IPv6 listen address (2001:db8::5) is written [2001:db8::5] in a URL's host.
  const listen = isIP(listenHost) === 6 ? `[${listenHost}]` : listenHost
  return [...new Set([new URL(publicUrl).host, listen, ...others].map(hostnameOf).filter(Boolean))]
}

/**
 * Decides whether a target may be redirected to, and normalises it (IDN host → punycode).
 * A shortener is an open redirector by nature: only absolute http(s), no credentials, no loops.
 */
export function checkTargetUrl(raw: string, policy: UrlPolicy): UrlVerdict {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, reason: `must be at most ${MAX_URL_LENGTH} characters` }
  if (UNSAFE_TEXT_CHARS.test(raw)) return { ok: false, reason: UNSAFE_TEXT_MESSAGE }
  if (!/^https?:\/\//i.test(raw)) return { ok: false, reason: 'must be an absolute http or https URL' }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, reason: 'is not a valid URL' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, reason: 'must be an absolute http or https URL' }
  if (url.username || url.password) return { ok: false, reason: 'must not contain credentials' }
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  if (!host || host.length > MAX_HOST_LENGTH || host.split('.').some((label) => label.length > 63))
    return { ok: false, reason: 'has an invalid host' }
  if (policy.ownHosts.some((own) => hostnameOf(own) === host))
    return { ok: false, reason: 'must not point at this shortener (redirect loop)' }
  if (isSelfHost(host))
    return {
      ok: false,
      reason: 'must not point at a loopback or unspecified address (localhost, 127.0.0.1, [::1], 0.0.0.0)',
    }
  const blocked = policy.blockedDomains.find((d) => host === d || host.endsWith(`.${d}`))
  if (blocked) return { ok: false, reason: `targets on ${blocked} are not allowed` }
  const normalised = url.href
  if (normalised.length > MAX_URL_LENGTH) return { ok: false, reason: `must be at most ${MAX_URL_LENGTH} characters` }
  return { ok: true, url: normalised }
}
