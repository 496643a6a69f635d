import { EMAIL_HOSTS } from './email-hosts.ts'
import { FEDIVERSE_HOSTS, FEDIVERSE_LABELS, FEDIVERSE_POST_PATH } from './fediverse-hosts.ts'
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
  ['social', FEDIVERSE_HOSTS],
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

/**
 * A registrable name that is a mail word, read whole, never as a substring (www.mailonline.com is a news
 * site): email.cz, webmail.co.za, mail.com, and the words for "mail" and the webmail packages ISPs run.
 */
const WEBMAIL_LABEL =
  /^(?:(?:web|e-?|my|m|new|secure|mobile|touch|light|wm)?mail\d*|webmail[\w-]*|(?:posta|poczta|pochta|posti|messagerie|correo|courrier|courriel|roundcube|rainloop|snappymail|owa|squirrelmail|horde|zimbra|sogo)\d*)$/
/**
 * A subdomain label that begins with a mail word or a short prefix and "mail": webmail.tim.it,
 * mailbusiness.ionos.de, wmail.orange.fr, mail2.daum.net; not a mailing list's archive (mailman.*, lists).
 */
const WEBMAIL_SUBDOMAIN = /^(?:[a-z]{0,4}-?mail(?!man|ing|chimp|er\b)[\w-]*)$/

/**
 * A label that names a search front end, in a dozen languages: search.aol.com, isearch.avg.com,
 * suche.web.de, szukaj.onet.pl, busca.uol.com.br, hledani.tiscali.cz, daemon-search.com (not research.*),
 * find.tdc.dk, sok.start.no, chercherfr.aguea.com.
 */
const SEARCH_LABEL =
  /(?<!re)search|suche|szukaj|recherche|ricerca|busca|pesquisa|hledani|^(?:arama|poisk|otsing|haku|zoek|such|searx|searxng|whoogle|cerca|chercher|hladaj|kereso|find$|seek$|sok$)/
/** GMX, WEB.DE, 1&1 and mail.com strip referrers through dereferrer domains: deref-gmx.net, deref-1und1-02.de. */
const DEREFERRER = /^deref-/
/** A first path segment that is a webmail app on a portal: orange.fr/webmail, icloud.com/mail. */
const WEBMAIL_PATH = /^(?:web)?mail$/i

/** Referrer hosts a deployment adds (CLASSIFIER_EXTRA), keyed like the tables; they win over the tables. */
export type ExtraHostSources = ReadonlyMap<string, HostSource>

/**
 * What a referrer host is, from the tables, else from what its labels say; null for an unknown website.
 * Walks from the full host up to its registrable domain, so the most specific row wins:
 * mail.google.com is email although google.* is search. `path` is the referrer's path ("/@a/1", or "").
 */
export function findHostSource(host: string, path: string, extra: ExtraHostSources = NO_EXTRA): HostSource | null {
  const domain = registrableDomain(host)
  if (!domain) return extra.get(host) ?? SOURCES_BY_KEY.get(host) ?? null
  const { labels, suffixLabels } = domain
  const firstPathSegment = firstSegmentOf(path)
  const found =
    walkUpFromHost(labels, suffixLabels, firstPathSegment, extra) ??
    // A registry's own short second level we do not list (google.it.ao): try it as part of the suffix.
    (suffixLabels === 1 &&
    labels.length > 2 &&
    labels[labels.length - 2].length <= 2 &&
    labels[labels.length - 1].length === 2
      ? walkUpFromHost(labels, 2, firstPathSegment, extra)
      : null)
  if (found) return found
  if (WEBMAIL_PATH.test(firstPathSegment)) return { medium: 'email', app: null }
  return fediverseSource(labels, labels.length - suffixLabels, path)
}

const NO_EXTRA: ExtraHostSources = new Map()

function firstSegmentOf(path: string): string {
  if (path.length < 2) return ''
  const end = path.indexOf('/', 1)
  return end < 0 ? path.slice(1) : path.slice(1, end)
}

/** A fediverse instance not in the tables: a label naming the software, or a post's path. */
function fediverseSource(labels: readonly string[], brandLabels: number, path: string): HostSource | null {
  for (let i = 0; i < brandLabels; i++) {
    const app = FEDIVERSE_LABELS.get(labels[i])
    if (app !== undefined) return { medium: 'social', app }
  }
  return path.length > 8 && FEDIVERSE_POST_PATH.test(path) ? { medium: 'social', app: null } : null
}

function walkUpFromHost(
  labels: readonly string[],
  suffixLabels: number,
  firstPathSegment: string,
  extra: ExtraHostSources,
): HostSource | null {
  const brandLabels = labels.length - suffixLabels
  for (let start = 0; start < brandLabels; start++) {
    const found = lookUpLevel(labels, start, brandLabels, firstPathSegment, extra)
    if (found) return found
    const medium = mediumNamedByLabel(labels[start], start < brandLabels - 1)
    // The label says what the host is; the brand above it, if listed, says whose (search.naver.com → naver).
    if (medium) return { medium, app: brandAbove(labels, start + 1, brandLabels, extra) }
  }
  return null
}

function lookUpLevel(
  labels: readonly string[],
  start: number,
  brandLabels: number,
  firstPathSegment: string,
  extra: ExtraHostSources,
) {
  const exact = labels.slice(start).join('.')
  const wildcard = `${labels.slice(start, brandLabels).join('.')}.*`
  return (
    (extra.size > 0 ? lookUp(extra, exact, wildcard, firstPathSegment) : undefined) ??
    lookUp(SOURCES_BY_KEY, exact, wildcard, firstPathSegment)
  )
}

function mediumNamedByLabel(label: string, isSubdomain: boolean): HostMedium | null {
  // A registrable name is read the same way: webmail.co.za and email.cz are mail services, mailonline.com is not.
  if (WEBMAIL_LABEL.test(label) || (isSubdomain ? WEBMAIL_SUBDOMAIN.test(label) : DEREFERRER.test(label)))
    return 'email'
  if (SEARCH_LABEL.test(label)) return 'search'
  return null
}

function brandAbove(
  labels: readonly string[],
  from: number,
  brandLabels: number,
  extra: ExtraHostSources,
): string | null {
  for (let start = from; start < brandLabels; start++) {
    const found = lookUpLevel(labels, start, brandLabels, '', extra)
    if (found) return found.app
  }
  return null
}

function lookUp(
  sources: ExtraHostSources,
  exact: string,
  wildcard: string,
  firstPathSegment: string,
): HostSource | undefined {
  if (firstPathSegment) {
    const segment = firstPathSegment.toLowerCase()
    const withPath = sources.get(`${exact}/${segment}`) ?? sources.get(`${wildcard}/${segment}`)
    if (withPath) return withPath
  }
  return sources.get(exact) ?? sources.get(wildcard)
}
