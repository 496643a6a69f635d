import { hostOfHeader } from './host-name.ts'

/** What a served domain says beyond its host. */
export type DomainSettings = { host: string; rootRedirect: string | null; notFoundUrl: string | null }

/** The default domain (PUBLIC_URL's host) as links store it. */
export const DEFAULT_DOMAIN = ''

/** The link cache's key of a code on a domain: the code itself on the default domain, `host/code` elsewhere. */
export const linkKeyOf = (domain: string, code: string) => (domain === DEFAULT_DOMAIN ? code : `${domain}/${code}`)

/** The domain and code of a link cache key (codes never hold a slash). */
export function splitLinkKey(key: string): { domain: string; code: string } {
  const slash = key.indexOf('/')
  return slash === -1
    ? { domain: DEFAULT_DOMAIN, code: key }
    : { domain: key.slice(0, slash), code: key.slice(slash + 1) }
}

const HOST_MEMO_MAX = 1_000

export type DomainRegistry = ReturnType<typeof createDomainRegistry>

/**
 * The domains this instance serves, in memory: which domain a request's Host header names, and each
 * domain's root redirect and not-found URL. A Host that is not a served domain (an IP, localhost, a health
 * check, a name nobody registered) is treated as the default domain, which is how Umbra answered before
 * it had domains. Reloaded on every instance when the domains table changes (NOTIFY umbra_domain_changed).
 */
export function createDomainRegistry(publicUrl: string) {
  const { hostname: defaultHost, protocol } = new URL(publicUrl)
  let served = new Map<string, DomainSettings>()
  // One array, changed in place: the URL policy and the click classifier hold it.
  const ownHosts: string[] = [new URL(publicUrl).host]
  let ownHostsVersion = 0
  // Host header as sent → domain: a redirect does one Map lookup instead of lower-casing and cutting the port.
  const memo = new Map<string, string>()

  return {
    /** PUBLIC_URL's host, without a port: what the default domain is called in the API. */
    defaultHost,

    /** Whether any domain besides the default is served (else every request is on the default domain). */
    hasOthers: () => served.size !== 0,

    /** The domain a request is on, from its Host header: a served host, or '' for the default domain. */
    domainOfHost(header: string | undefined): string {
      if (served.size === 0 || header === undefined) return DEFAULT_DOMAIN
      let domain = memo.get(header)
      if (domain === undefined) {
        const host = hostOfHeader(header)
        domain = served.has(host) ? host : DEFAULT_DOMAIN
        if (memo.size >= HOST_MEMO_MAX) memo.clear()
        memo.set(header, domain)
      }
      return domain
    },

    /** The stored domain of a host named in the API: '' for the default host, the host when served, else null. */
    storedDomainOf(host: string): string | null {
      if (host === defaultHost) return DEFAULT_DOMAIN
      return served.has(host) ? host : null
    },

    /** The host a link's short URL is on. */
    hostOf: (domain: string) => (domain === DEFAULT_DOMAIN ? defaultHost : domain),

    /** Where a domain's short URLs start: PUBLIC_URL on the default domain, its scheme and the host elsewhere. */
    baseUrlOf: (domain: string) => (domain === DEFAULT_DOMAIN ? publicUrl : `${protocol}//${domain}`),

    settingsOf: (domain: string): DomainSettings | undefined => served.get(domain),

    /** PUBLIC_URL's host (with its port) and every served domain: no link may target them; referrers from them are internal. */
    ownHosts: ownHosts as readonly string[],
    /** Changes whenever ownHosts does, so memoised verdicts made under the old list are dropped. */
    ownHostsVersion: () => ownHostsVersion,

    replace(domains: readonly DomainSettings[]) {
      served = new Map(domains.filter((d) => d.host !== defaultHost).map((d) => [d.host, d]))
      memo.clear()
      const next = [...served.keys()]
      if (next.join() !== ownHosts.slice(1).join()) {
        ownHosts.splice(1, ownHosts.length - 1, ...next)
        ownHostsVersion++
      }
    },
  }
}
