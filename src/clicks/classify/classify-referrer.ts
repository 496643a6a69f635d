import { findAndroidApp, isBrowserPackage, isPackageName } from './android-apps.ts'
import type { Medium } from './classification.ts'
import { findHostSource, type ExtraHostSources, type HostMedium } from './referrer-hosts.ts'

/** What the Referer header says about where a human click came from. */
export type ReferrerVerdict = { medium: Medium; app: string | null; reason: string }

/** A referrer split into the parts the rules read. */
type ParsedReferrer = { scheme: string; host: string; path: string }

// scheme://[userinfo@]host[:port][/path]; lenient on purpose: referrers arrive unvalidated.
const REFERRER_URL = /^([a-z][a-z0-9+.-]*):\/\/(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)(?::\d*)?(\/[^?#]*)?/i

const WHAT_MEDIUM_MEANS: Record<HostMedium, string> = {
  email: 'is webmail',
  messaging: 'is a messenger',
  social: 'is a social network',
  search: 'is a search engine',
  referral: 'is another website',
}

/**
 * Classifies a human click by its referrer, for clicks whose user agent is an ordinary browser:
 * none → direct; our own host → internal; android-app://package → that app's medium; else the host tables.
 */
export function classifyReferrer(
  referrer: string,
  ownHosts: readonly string[],
  extra?: ExtraHostSources,
): ReferrerVerdict {
  const trimmed = referrer.trim()
  if (trimmed === '') return { medium: 'direct', app: null, reason: 'no referrer' }
  const parsed = parseReferrer(trimmed)
  if (!parsed || parsed.host === '')
    return { medium: 'referral', app: null, reason: `referrer ${clip(trimmed)} is not a URL` }
  if (parsed.scheme === 'android-app') return classifyAndroidAppReferrer(parsed.host, extra)
  if (parsed.scheme === 'ios-app')
    return { medium: 'referral', app: null, reason: `referrer is iOS app ${parsed.host}` }
  if (isOwnHost(parsed.host, ownHosts))
    return { medium: 'internal', app: null, reason: `referrer ${parsed.host} is our own host` }
  const source = findHostSource(parsed.host, parsed.path, extra)
  if (!source) return { medium: 'referral', app: null, reason: `referrer ${parsed.host} is another website` }
  return {
    medium: source.medium,
    app: source.app,
    reason: `referrer ${parsed.host} ${WHAT_MEDIUM_MEANS[source.medium]}`,
  }
}

/** The app a referrer names, for in-app clicks whose user agent does not say which app it is. */
export function appNamedByReferrer(referrer: string, extra?: ExtraHostSources): string | null {
  const parsed = parseReferrer(referrer.trim())
  if (!parsed || parsed.host === '') return null
  if (parsed.scheme === 'android-app')
    return findAndroidApp(parsed.host)?.app ?? appByReversedPackage(parsed.host, extra)?.app ?? null
  return findHostSource(parsed.host, parsed.path, extra)?.app ?? null
}

function parseReferrer(referrer: string): ParsedReferrer | null {
  const match = REFERRER_URL.exec(referrer)
  if (!match) return null
  const host = match[2].toLowerCase().replace(/\.$/, '')
  return { scheme: match[1].toLowerCase(), host, path: match[3] ?? '' }
}

/** A package label that says mail app, read whole: de.example.mailclient, me.bluemail.mail (not com.dailymail.online). */
const MAIL_APP_LABEL = /(?:^|\.)(?:e?-?mail|webmail|mail(?:app|client|box|er)|\w+mail(?:app|client))(?:\.|$)/

function classifyAndroidAppReferrer(pkg: string, extra?: ExtraHostSources): ReferrerVerdict {
  const known = findAndroidApp(pkg)
  if (known) return { medium: known.medium, app: known.app, reason: `referrer is the ${known.name} app` }
  if (MAIL_APP_LABEL.test(pkg)) return { medium: 'email', app: null, reason: `referrer app ${pkg} is a mail app` }
  const byDomain = appByReversedPackage(pkg, extra)
  if (byDomain)
    return {
      medium: byDomain.medium,
      app: byDomain.app,
      reason: `referrer app ${pkg} ${WHAT_MEDIUM_MEANS[byDomain.medium]}`,
    }
  if (isPackageName(pkg) && isBrowserPackage(pkg))
    return { medium: 'referral', app: null, reason: `referrer is browser app ${pkg}` }
  return { medium: 'referral', app: null, reason: `referrer is app ${pkg}` }
}

/** Package names are reversed domains: com.pinterest is pinterest.com, org.telegram.messenger is telegram.org. */
function appByReversedPackage(pkg: string, extra?: ExtraHostSources) {
  const [tld, name] = pkg.split('.')
  if (!tld || !name) return null
  return findHostSource(`${name}.${tld}`, '', extra)
}

/** Own hosts may carry a port (URL.host of PUBLIC_URL); referrer hosts are compared without one. */
function isOwnHost(host: string, ownHosts: readonly string[]): boolean {
  const bare = host.startsWith('www.') ? host.slice(4) : host
  return ownHosts.some((own) => {
    const ownBare = own
      .toLowerCase()
      .replace(/:\d+$/, '')
      .replace(/^www\./, '')
    return ownBare === bare
  })
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
