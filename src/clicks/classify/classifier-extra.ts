import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { ExtraHostSources, HostSource } from './referrer-hosts.ts'

const AppId = z.string().regex(/^[a-z0-9_]{1,40}$/, 'an app id is lower_snake_case, e.g. "acme_chat"')
const DisplayName = z.string().trim().min(1).max(60)
/** A literal token, matched without case and not inside a longer word: "AcmeApp" matches "Mobile/15E148 AcmeApp/3.2". */
const Token = z.string().trim().min(2, 'a token has at least 2 characters').max(100)
/** A host key as in the built-in tables: "mail.example.net", "brand.*", or either with "/first-path-segment". */
const HostKey = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?:[a-z0-9-]+\.)*[a-z0-9-]+(?:\.\*)?(?:\/[^/\s?#]+)?$/,
    'a host is "mail.example.net", "brand.*" or "host/first-path-segment"',
  )

/**
 * CLASSIFIER_EXTRA: what a deployment adds to the built-in tables without a release. Entries win over the
 * built-in rules: an extra preview fetcher or bot is recognised before the built-in ones, an extra host
 * before the tables.
 */
export const ClassifierExtraSchema = z.strictObject({
  inAppBrowsers: z.array(z.strictObject({ token: Token, app: AppId, name: DisplayName.optional() })).default([]),
  previewFetchers: z
    .array(z.strictObject({ token: Token, app: AppId.nullable().default(null), name: DisplayName.optional() }))
    .default([]),
  bots: z.array(Token).default([]),
  referrerHosts: z
    .array(
      z.strictObject({
        host: HostKey,
        medium: z.enum(['email', 'messaging', 'social', 'search', 'referral']),
        app: AppId.nullable().default(null),
      }),
    )
    .default([]),
})

export type ClassifierExtra = z.infer<typeof ClassifierExtraSchema>

/** The extra entries ready for the rules: one regex per entry, hosts keyed like the tables. */
export type CompiledClassifierExtra = {
  inAppBrowsers: ReadonlyArray<{ app: string; name: string; pattern: RegExp }>
  previewFetchers: ReadonlyArray<{ app: string | null; name: string; pattern: RegExp }>
  bots: RegExp | null
  referrerHosts: ExtraHostSources
}

/** Reads and validates the file; the error is one line saying what is wrong and where. */
export function loadClassifierExtra(path: string): ClassifierExtra {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new Error(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(`${path} is not JSON (${(error as Error).message})`)
  }
  const parsed = ClassifierExtraSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`)
  }
  return parsed.data
}

export function compileClassifierExtra(extra: ClassifierExtra): CompiledClassifierExtra {
  const referrerHosts = new Map<string, HostSource>()
  for (const { host, medium, app } of extra.referrerHosts) referrerHosts.set(host, { medium, app })
  return {
    inAppBrowsers: extra.inAppBrowsers.map(({ token, app, name }) => ({
      app,
      name: name ?? token,
      pattern: tokenPattern(token),
    })),
    previewFetchers: extra.previewFetchers.map(({ token, app, name }) => ({
      app,
      name: name ?? token,
      pattern: tokenPattern(token),
    })),
    bots: extra.bots.length > 0 ? new RegExp(extra.bots.map(tokenSource).join('|'), 'i') : null,
    referrerHosts,
  }
}

function tokenSource(token: string): string {
  const escaped = token.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  // Not inside a longer word, but glued to a version or bracket is fine: "15E148AcmeApp/3.2", "[AcmeApp]".
  return `(?<![a-z])${escaped}(?![a-z])`
}

function tokenPattern(token: string): RegExp {
  return new RegExp(tokenSource(token), 'i')
}
