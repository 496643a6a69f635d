import { EMAIL_HOSTS } from './email-hosts.ts'
import type { HostGroup } from './host-group.ts'
import { MESSAGING_HOSTS } from './messaging-hosts.ts'
import { REFERRAL_HOSTS } from './referral-hosts.ts'
import { registrableDomain } from './registrable-domain.ts'
import { SEARCH_HOSTS } from './search-hosts.ts'
import { SOCIAL_HOSTS } from './social-hosts.ts'

export type HostMedium = 'email' | 'messaging' | 'social' | 'search' | 'referral'

export type { HostGroup } from './host-group.ts'

export type HostSource = { medium: HostMedium; app: string | null }

const TABLES: ReadonlyArray<readonly [HostMedium, readonly HostGroup[]]> = [
  ['email', EMAIL_HOSTS],
  ['messaging', MESSAGING_HOSTS],
  ['social', SOCIAL_HOSTS],
  ['search', SEARCH_HOSTS],
  ['referral', REFERRAL_HOSTS],
]

const SOURCES_BY_KEY = buildSourcesByKey()

function buildSourcesByKey(): Map<string, HostSource> {
  const byKey = new Map<string, HostSource>()
  for (const [medium, groups] of TABLES) {
    for (const { app, hosts } of groups) {
      for (const host of hosts) {
        const key = host.toLowerCase()
        // A host in two rows would make the tables' order matter; refuse it at start instead.
        if (byKey.has(key)) throw new Error(`referrer host ${key} is listed twice`)
        byKey.set(key, { medium, app })
      }
    }
  }
  return byKey
}

/** A subdomain label that names a webmail front end: webmail.tim.it, email.seznam.cz, mail2.daum.net, poczta.wp.pl. */
const WEBMAIL_LABEL = /mail(?!man)|^(?:posta|poczta|messagerie|correo|roundcube|owa|squirrelmail|horde|zimbra)$/
/**
 * A label that names a search front end, in a dozen languages: search.aol.com, isearch.avg.com,
 * suche.web.de, szukaj.onet.pl, busca.uol.com.br, hledani.tiscali.cz, daemon-search.com (not research.*).
 */
const SEARCH_LABEL = /(?<!re)search|suche|szukaj|recherche|ricerca|busca|pesquisa|hledani|^(?:arama|poisk|otsing|haku|zoek|such)/
/** GMX, WEB.DE, 1&1 and mail.com strip referrers through dereferrer domains: deref-gmx.net, deref-1und1-02.de. */
const DEREFERRER = /^deref-/
/** A registrable name that is a mail service: hotmail.com, rediffmail.com, sibmail.com (not dailymail.co.uk). */
const MAIL_SERVICE_NAME = /^(?!daily)(?:\w*mail|mail\w*)$/
/** A first path segment that is a webmail app on a portal: orange.fr/webmail, icloud.com/mail. */
const WEBMAIL_PATH = /^(?:web)?mail$/i

/**
 * What a referrer host is, from the tables, else from what its labels say; null for an unknown website.
 * Walks from the full host up to its registrable domain, so the most specific row wins:
 * mail.google.com is email although google.* is search.
 */
export function findHostSource(host: string, firstPathSegment: string): HostSource | null {
  const domain = registrableDomain(host)
  if (!domain) return SOURCES_BY_KEY.get(host) ?? null
  const { labels, suffixLabels } = domain
  const found =
    walkUpFromHost(labels, suffixLabels, firstPathSegment) ??
    // A registry's own short second level we do not list (google.it.ao): try it as part of the suffix.
    (suffixLabels === 1 && labels.length > 2 && labels[labels.length - 2].length <= 2 && labels[labels.length - 1].length === 2
      ? walkUpFromHost(labels, 2, firstPathSegment)
      : null)
  if (found) return found
  if (WEBMAIL_PATH.test(firstPathSegment)) return { medium: 'email', app: null }
  return null
}

function walkUpFromHost(labels: readonly string[], suffixLabels: number, firstPathSegment: string): HostSource | null {
  const brandLabels = labels.length - suffixLabels
  for (let start = 0; start < brandLabels; start++) {
    const found = lookUpLevel(labels, start, brandLabels, firstPathSegment)
    if (found) return found
    const medium = mediumNamedByLabel(labels[start], start < brandLabels - 1)
    // The label says what the host is; the brand above it, if listed, says whose (search.naver.com → naver).
    if (medium) return { medium, app: brandAbove(labels, start + 1, brandLabels) }
  }
  return null
}

function lookUpLevel(labels: readonly string[], start: number, brandLabels: number, firstPathSegment: string) {
  const exact = labels.slice(start).join('.')
  const wildcard = `${labels.slice(start, brandLabels).join('.')}.*`
  return lookUp(exact, wildcard, firstPathSegment)
}

function mediumNamedByLabel(label: string, isSubdomain: boolean): HostMedium | null {
  if (isSubdomain) {
    if (WEBMAIL_LABEL.test(label)) return 'email'
    if (SEARCH_LABEL.test(label)) return 'search'
    return null
  }
  if (DEREFERRER.test(label) || MAIL_SERVICE_NAME.test(label)) return 'email'
  if (SEARCH_LABEL.test(label)) return 'search'
  return null
}

function brandAbove(labels: readonly string[], from: number, brandLabels: number): string | null {
  for (let start = from; start < brandLabels; start++) {
    const found = lookUpLevel(labels, start, brandLabels, '')
    if (found) return found.app
  }
  return null
}

function lookUp(exact: string, wildcard: string, firstPathSegment: string): HostSource | undefined {
  if (firstPathSegment) {
    const segment = firstPathSegment.toLowerCase()
    const withPath = SOURCES_BY_KEY.get(`${exact}/${segment}`) ?? SOURCES_BY_KEY.get(`${wildcard}/${segment}`)
    if (withPath) return withPath
  }
  return SOURCES_BY_KEY.get(exact) ?? SOURCES_BY_KEY.get(wildcard)
}
