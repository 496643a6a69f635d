import { UNSAFE_TEXT_CHARS, UNSAFE_TEXT_MESSAGE } from './unsafe-text.ts'
export const MAX_URL_LENGTH = 2048
const MAX_HOST_LENGTH = 253

export type UrlPolicy = { ownHosts: readonly string[]; blockedDomains: readonly string[] }
export type UrlVerdict = { ok: true; url: string } | { ok: false; reason: string }

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
  if (policy.ownHosts.includes(url.host.toLowerCase()) || policy.ownHosts.includes(host))
    return { ok: false, reason: 'must not point at this shortener (redirect loop)' }
  const blocked = policy.blockedDomains.find((d) => host === d || host.endsWith(`.${d}`))
  if (blocked) return { ok: false, reason: `targets on ${blocked} are not allowed` }
  const normalised = url.href
  if (normalised.length > MAX_URL_LENGTH) return { ok: false, reason: `must be at most ${MAX_URL_LENGTH} characters` }
  return { ok: true, url: normalised }
}
