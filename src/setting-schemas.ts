// The schemas of settings that need more than a zod one-liner; the settings table itself is in config.ts.
import { domainToASCII } from 'node:url'
import { z } from 'zod'
import { loadClassifierExtra } from './clicks/classify/classifier-extra.ts'
import { hostNameProblem, normalizeHost } from './domains/host-name.ts'
import { proxyTrustOf, type TrustProxySetting } from './infra/client-address.ts'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')

// "example.com, evil.example" → ['example.com', 'evil.example'], IDNs as punycode so they compare with URL hosts.
export const domainList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((d) =>
        d
          .trim()
          .toLowerCase()
          .replace(/^\*?\./, '')
          .replace(/\.$/, ''),
      )
      .filter(Boolean),
  )
  .transform((domains) => domains.map((d) => domainToASCII(d) || `!${d}`))
  .refine(
    (domains) => domains.every((d) => /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(d)),
    'must be comma-separated domain names',
  )

/**
 * Why ADMIN_API_KEY is too weak to guess-proof, or null: it is a human-chosen string (not minted like umb_
 * keys) that opens every scope, so it must be long and varied.
 */
export function adminKeyWeakness(key: string): string | null {
  if (/\s/.test(key)) return 'must not contain whitespace'
  if (key.length < 24) return 'must be at least 24 characters'
  if (/(.)\1{3}/su.test(key)) return 'must not repeat a character 4 or more times in a row'
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((c) => c.test(key)).length
  if (classes < 3 && key.length < 32)
    return 'must mix at least 3 of lower-case letters, upper-case letters, digits and symbols (or be at least 32 characters)'
  return null
}

// TRUST_PROXY: how many proxies stand in front, or which addresses/CIDRs they have. `true` (trust every hop)
// would take the leftmost X-Forwarded-For, which any client can write, as its address: every per-IP limit gone.
export const trustProxySetting = z.string().transform((value, ctx): TrustProxySetting => {
  const v = value.trim().toLowerCase()
  if (v === 'false' || v === '0') return false
  if (v === 'true') {
    ctx.addIssue({
      code: 'custom',
      message:
        'true would trust every X-Forwarded-For hop, letting any client pick its own address and escape every per-IP limit; set the number of proxies in front (e.g. 1) or their addresses/CIDRs (e.g. 10.0.0.0/8)',
    })
    return z.NEVER
  }
  if (/^\d+$/.test(v)) return Number(v)
  const list = value
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
  try {
    proxyTrustOf(list)
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `must be false, a number of proxies, or comma-separated proxy addresses/CIDRs (${(err as Error).message})`,
    })
    return z.NEVER
  }
  return Object.freeze(list)
})

// CLASSIFIER_EXTRA: a JSON file read and validated at start; its error is one line naming the file and the entry.
export const classifierExtraFile = z
  .string()
  .min(1)
  .transform((path, ctx) => {
    try {
      return loadClassifierExtra(path)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message })
      return z.NEVER
    }
  })

/** DOMAINS: host names separated by commas, each checked as POST /api/v1/domains checks it. */
export const servedDomainList = z.string().transform((s, ctx) => {
  const hosts = s.split(',').map(normalizeHost).filter(Boolean)
  for (const host of hosts) {
    const problem = hostNameProblem(host)
    if (problem) ctx.addIssue({ code: 'custom', message: `${host}: ${problem}` })
  }
  return [...new Set(hosts)]
})

// RAW_CLICK_RETENTION: how long raw clicks (and funnel events) are kept, in days ("400d"); unset: forever.
export const retentionDays = z
  .string()
  .regex(/^\d+d$/, 'must be a number of days, like 400d')
  .transform((s) => Number.parseInt(s, 10))
  .refine((days) => days >= 7, 'must be at least 7d (raw months are dropped whole, after the last day has passed)')

// OIDC_GROUP_ROLES: "group=role, group=role" → ordered pairs (the first matching group wins).
export const groupRoleList = z.string().transform((value, ctx) => {
  const pairs = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split('=').map((s) => s.trim()))
  const bad = pairs.find((p) => p.length !== 2 || !p[0] || !['owner', 'admin', 'editor', 'viewer'].includes(p[1]))
  if (bad) {
    ctx.addIssue({ code: 'custom', message: `"${bad.join('=')}" is not group=owner|admin|editor|viewer` })
    return z.NEVER
  }
  return pairs.map(([group, role]) => ({ group, role: role as 'owner' | 'admin' | 'editor' | 'viewer' }))
})
