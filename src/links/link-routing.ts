import { Problem } from '../infra/problem.ts'
import { type CompiledRule, compileRules, type LinkRule } from './link-rules.ts'
import type { DeepLinks } from './link-routing-schemas.ts'
import { hashPassword } from './password-hash.ts'
import { UNSAFE_TEXT_CHARS, UNSAFE_TEXT_MESSAGE } from './unsafe-text.ts'
import { checkTargetUrl, type UrlPolicy } from './url-policy.ts'

/** The routing fields of a create or update, as the API took them (null clears, undefined leaves as is). */
export type RoutingInput = {
  rules?: LinkRule[] | null
  deepLinks?: DeepLinks | null
  inAppEscape?: boolean
  password?: string | null
  maxClicks?: number | null
  fallbackUrl?: string | null
}

/** The same, checked and ready to store: targets normalised by the URL policy, the password hashed. */
export type RoutingColumns = Omit<RoutingInput, 'password'> & { passwordHash?: string | null }

// Schemes that run or read something in the browser rather than open an app.
const UNSAFE_APP_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:', 'filesystem:'])

function target(raw: string, policy: UrlPolicy, field: string): string {
  const verdict = checkTargetUrl(raw, policy)
  if (!verdict.ok) throw Problem.field(field, verdict.reason)
  return verdict.url
}

/** An app URL: a custom scheme (myapp://…) or an http(s) link that passes the URL policy. */
function appUrl(raw: string, policy: UrlPolicy, field: string): string {
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.exec(raw)?.[0].toLowerCase()
  if (scheme === undefined) throw Problem.field(field, 'must be an absolute URL such as myapp://item/42')
  if (scheme === 'http:' || scheme === 'https:') return target(raw, policy, field)
  if (UNSAFE_APP_SCHEMES.has(scheme) || scheme === 'intent:') throw Problem.field(field, `${scheme} is not an app URL`)
  if (UNSAFE_TEXT_CHARS.test(raw)) throw Problem.field(field, UNSAFE_TEXT_MESSAGE)
  if (/[\s"'<>`]/.test(raw)) throw Problem.field(field, 'must not contain spaces or quotes')
  return raw
}

/** Checks every target against the URL policy (400 naming the field, nothing stored) and hashes the password. */
export async function acceptRouting(input: RoutingInput, policy: UrlPolicy): Promise<RoutingColumns> {
  const { password, ...out } = input
  const columns: RoutingColumns = out
  if (input.rules)
    columns.rules = input.rules.map((r, i) => ({ if: r.if, url: target(r.url, policy, `rules[${i}].url`) }))
  if (input.deepLinks) {
    const { ios, android } = input.deepLinks
    columns.deepLinks = {
      ...(ios && {
        ios: {
          url: appUrl(ios.url, policy, 'deepLinks.ios.url'),
          fallbackUrl: target(ios.fallbackUrl, policy, 'deepLinks.ios.fallbackUrl'),
        },
      }),
      ...(android && {
        android: {
          url: appUrl(android.url, policy, 'deepLinks.android.url'),
          ...(android.package && { package: android.package }),
          fallbackUrl: target(android.fallbackUrl, policy, 'deepLinks.android.fallbackUrl'),
        },
      }),
    }
  }
  if (input.fallbackUrl) columns.fallbackUrl = target(input.fallbackUrl, policy, 'fallbackUrl')
  if (password !== undefined) columns.passwordHash = password === null ? null : await hashPassword(password)
  return columns
}

/**
 * What the redirect needs beyond a plain link's url; null for a plain link, so the fast path's common case
 * stays one check. `humanClicks` counts on from the stored total as this instance captures people.
 */
export type LinkRouting = {
  rules: readonly CompiledRule[]
  deepLinks: DeepLinks | null
  inAppEscape: boolean
  /** The scrypt hash: kept in this process's memory only (never in API reads or NOTIFY payloads). */
  passwordHash: string | null
  maxClicks: number | null
  humanClicks: number
  fallbackUrl: string | null
}

export type RoutingRow = {
  rules: LinkRule[] | null
  app_targets: DeepLinks | null
  in_app_escape: boolean
  password_hash: string | null
  max_clicks: string | number | null
  fallback_url: string | null
}

/** A row's routing, or null when it has none; `withTag` adds a kit link's #umb tag to a rule's target. */
export function routingOf(row: RoutingRow, humanClicks: number, withTag: (url: string) => string): LinkRouting | null {
  const rules = row.rules ?? []
  if (
    rules.length === 0 &&
    row.app_targets === null &&
    !row.in_app_escape &&
    row.password_hash === null &&
    row.max_clicks === null &&
    row.fallback_url === null
  )
    return null
  return {
    rules: compileRules(rules.map((r) => ({ if: r.if, url: withTag(r.url) }))),
    deepLinks: row.app_targets,
    inAppEscape: row.in_app_escape,
    passwordHash: row.password_hash,
    maxClicks: row.max_clicks === null ? null : Number(row.max_clicks),
    humanClicks,
    fallbackUrl: row.fallback_url,
  }
}
