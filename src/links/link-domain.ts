import { type DomainRegistry, linkKeyOf } from '../domains/domain-registry.ts'
import { Problem } from '../infra/problem.ts'
import type { LinkRow } from './link-repository.ts'

/** The link cache's key of a stored link (its code on the default domain, host/code elsewhere). */
export const linkCacheKeyOf = (row: Pick<LinkRow, 'domain' | 'code'>) => linkKeyOf(row.domain, row.code)

/** The stored domain of a host given in a request body or filter; a host not served is a 400 naming `field`. */
export function servedDomainField(
  domains: Pick<DomainRegistry, 'storedDomainOf'>,
  host: string | undefined,
  field = 'domain',
): string {
  if (host === undefined) return ''
  const domain = domains.storedDomainOf(host)
  if (domain === null) throw Problem.field(field, `"${host}" is not a domain this server serves (GET /api/v1/domains)`)
  return domain
}

/** A report's `?domain=` as stored: undefined (every domain) when absent, a 400 when not served. */
export const domainFilterOf = (domains: Pick<DomainRegistry, 'storedDomainOf'>, host: string | undefined) =>
  host === undefined ? undefined : servedDomainField(domains, host)

/** The stored domain of `?domain=` on a link's route: a host not served holds no link, so 404. */
export function storedDomainOrNotFound(
  domains: Pick<DomainRegistry, 'storedDomainOf'>,
  code: string,
  host: string | undefined,
): string {
  if (host === undefined) return ''
  const domain = domains.storedDomainOf(host)
  if (domain === null) throw Problem.notFound(`link ${code} on ${host}`)
  return domain
}
