/**
 * A link's rules, as the API takes them: ordered, the first whose conditions all hold (AND) answers the
 * click, else the link's own url. Evaluated from the cached link on the redirect path, with no I/O.
 */
export type RuleDevice = 'ios' | 'android' | 'mobile' | 'desktop'
export type RuleConditions = {
  device?: RuleDevice
  os?: string[]
  country?: string[]
  language?: string[]
  app?: string[]
}
export type LinkRule = { if: RuleConditions; url: string }

/**
 * What a rule can test about one click. `os`, `device` and `app` are the click's labels (ua-parser-js names,
 * the classifier's app id); `language` the first Accept-Language tag; `country` the click's ISO country as
 * capture knows it (CaptureRequest.country: COUNTRY_HEADER when set, else the IP database).
 */
export type RuleFacts = {
  os: string | null
  device: string | null
  app: string | null
  language: string | null
  country: string | null
}

/** A rule ready to test: lists as sets of lower-cased values (countries upper-cased). */
export type CompiledRule = {
  readonly url: string
  readonly device: RuleDevice | null
  readonly os: ReadonlySet<string> | null
  readonly country: ReadonlySet<string> | null
  readonly language: ReadonlySet<string> | null
  readonly app: ReadonlySet<string> | null
}

const setOf = (values: string[] | undefined, norm: (s: string) => string) =>
  values === undefined ? null : new Set(values.map(norm))
const lower = (s: string) => s.toLowerCase()
const upper = (s: string) => s.toUpperCase()

export function compileRules(rules: readonly LinkRule[]): CompiledRule[] {
  return rules.map((r) => ({
    url: r.url,
    device: r.if.device ?? null,
    os: setOf(r.if.os, lower),
    country: setOf(r.if.country, upper),
    language: setOf(r.if.language, lower),
    app: setOf(r.if.app, lower),
  }))
}

// ua-parser-js 1.x names the phone systems 'iOS' and 'Android'; a tablet counts as mobile.
function deviceMatches(device: RuleDevice, f: RuleFacts): boolean {
  switch (device) {
    case 'ios':
      return f.os === 'iOS'
    case 'android':
      return f.os === 'Android'
    case 'mobile':
      return f.device === 'mobile' || f.device === 'tablet'
    case 'desktop':
      return f.device === 'desktop'
  }
}

/** 'fr' in the list matches fr, fr-ch, fr-be; 'fr-ch' matches only fr-ch. */
function languageMatches(wanted: ReadonlySet<string>, tag: string | null): boolean {
  if (tag === null) return false
  if (wanted.has(tag)) return true
  const dash = tag.indexOf('-')
  return dash > 0 && wanted.has(tag.slice(0, dash))
}

function matches(r: CompiledRule, f: RuleFacts): boolean {
  if (r.device !== null && !deviceMatches(r.device, f)) return false
  if (r.os !== null && (f.os === null || !r.os.has(f.os.toLowerCase()))) return false
  if (r.country !== null && (f.country === null || !r.country.has(f.country))) return false
  if (r.language !== null && !languageMatches(r.language, f.language)) return false
  if (r.app !== null && (f.app === null || !r.app.has(f.app))) return false
  return true
}

/** The position of the first rule the click matches, 1-based, or 0 when none does (the link's url answers). */
export function ruleFor(rules: readonly CompiledRule[], facts: RuleFacts): number {
  for (let i = 0; i < rules.length; i++) if (matches(rules[i], facts)) return i + 1
  return 0
}
