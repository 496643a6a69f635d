import { normalizeHost } from '../domains/host-name.ts'

/** `--domain` as understood: the export's links on `host` are imported onto the Umbra domain stored as `stored`. */
export type ImportDomain = { host: string; stored: string }

/**
 * `--domain` / `?domain=`: which short domain's links an export's links are taken from, and so which of this
 * server's domains they land on. It must be one this server serves (PUBLIC_URL's host, or one of
 * GET /api/v1/domains); the error says so rather than import onto the wrong host. `storedDomainOf` answers
 * '' for the default domain, the host for another served one, null for a host not served.
 */
export function checkImportDomain(
  domain: string | undefined | null,
  storedDomainOf: (host: string) => string | null,
): ImportDomain | null {
  if (domain === undefined || domain === null || domain === '') return null
  const host = normalizeHost(domain)
  const stored = storedDomainOf(host)
  if (stored === null)
    throw new Error(`"${domain}" is not a domain this server serves: add it first (POST /api/v1/domains or DOMAINS)`)
  return { host, stored }
}
