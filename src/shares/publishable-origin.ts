import type { Principal } from '../api/auth.ts'

/**
 * Why a caller may not mint a share kit for `kitUrl` from a page at `originHeader`, or null when it may.
 * Secret and admin keys live on servers and may mint for any URL. A publishable key lives in web
 * pages, so it may mint only for URLs on its allowed origins, and only when the browser says the
 * request comes from one of them (a copied key on another site is refused by the Origin the browser sets).
 */
export function publishableKeyRefusal(
  principal: Pick<Principal, 'kind' | 'origins'>,
  kitUrl: string,
  originHeader: string | undefined,
): string | null {
  if (principal.kind !== 'publishable') return null
  const allowed = allowedOrigins(principal.origins)
  const kitOrigin = originOf(kitUrl)
  if (!kitOrigin || !allowed.has(kitOrigin))
    return `this publishable key cannot make share kits for ${kitOrigin ?? 'that URL'}`
  const requestOrigin = originHeader ? originOf(originHeader) : null
  if (!requestOrigin) return 'a publishable key must be used from a web page (the request has no Origin)'
  if (!allowed.has(requestOrigin)) return `this publishable key is not allowed on pages of ${requestOrigin}`
  return null
}

// Every beacon of a page names the same URLs and origin: parsing them once each is most of this check's cost.
const MEMO_MAX = 1_000
const origins = new Map<string, string | null>()

/** scheme://host[:port], lower-case, default port dropped; null for anything that is not http(s). */
export function originOf(url: string): string | null {
  let origin = origins.get(url)
  if (origin === undefined) {
    origin = parseOrigin(url)
    if (origins.size >= MEMO_MAX) origins.clear()
    origins.set(url, origin)
  }
  return origin
}

function parseOrigin(url: string): string | null {
  try {
    const u = new URL(url)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null
  } catch {
    return null
  }
}

const normaliseOrigin = (origin: string) => originOf(origin) ?? origin
// A key's origins as a set, made once per list (a cached key keeps its list object).
const allowedSets = new WeakMap<readonly string[], ReadonlySet<string>>()
function allowedOrigins(list: readonly string[]): ReadonlySet<string> {
  let allowed = allowedSets.get(list)
  if (allowed === undefined) {
    allowed = new Set(list.map(normaliseOrigin))
    allowedSets.set(list, allowed)
  }
  return allowed
}
