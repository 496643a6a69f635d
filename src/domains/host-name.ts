import { domainToASCII } from 'node:url'

// Host names as Umbra stores and compares them: lower case, no port, no trailing dot.

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/
const MAX_HOST = 253

/** A domain a link may live on, as typed by a user: why it is refused, or null when it is a fine host name. */
export function hostNameProblem(host: string): string | null {
  if (host.length === 0 || host.length > MAX_HOST) return `must be a host name of 1 to ${MAX_HOST} characters`
  const labels = host.split('.')
  if (labels.length < 2) return 'must be a full host name such as go.example.com'
  if (!labels.every((l) => LABEL.test(l)))
    return 'must be a host name: letters, digits and hyphens between dots, no scheme, port or path'
  if (/^\d+$/.test(labels[labels.length - 1])) return 'must be a host name, not an IP address'
  return null
}

/** A user's host as stored and as browsers send it in Host: trimmed, lower-cased, no trailing dot, IDNs in punycode. */
export function normalizeHost(host: string): string {
  const plain = host.trim().toLowerCase().replace(/\.$/, '')
  // domainToASCII answers '' for what is no domain; the host name check then says why.
  return /^[ -~]*$/.test(plain) ? plain : domainToASCII(plain) || plain
}

/**
 * The host of a Host header, as compared with the served domains: lower-cased, without its port or a
 * trailing dot. `[::1]:8080` gives `[::1]`.
 */
export function hostOfHeader(header: string | undefined): string {
  if (!header) return ''
  let end = header.length
  const colon = header.lastIndexOf(':')
  if (colon !== -1 && header.indexOf(']', colon) === -1) end = colon
  if (end > 0 && header.charCodeAt(end - 1) === 0x2e) end--
  return header.slice(0, end).toLowerCase()
}
