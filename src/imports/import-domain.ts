import { domainToASCII } from 'node:url'

/**
 * `--domain` / `?domain=`: which short domain's links an export's links are taken from. Umbra serves one
 * domain (PUBLIC_URL's), so that is the only one accepted; the error says so rather than import onto the wrong host.
 */
export function checkImportDomain(domain: string | undefined | null, publicUrl: string): string | null {
  if (domain === undefined || domain === null || domain === '') return null
  const own = new URL(publicUrl).hostname.toLowerCase()
  const given = domainToASCII(domain.trim().toLowerCase().replace(/\.$/, ''))
  if (given !== own)
    throw new Error(
      `"${domain}" is not this server's domain (${own}, from PUBLIC_URL): multiple domains are not supported yet`,
    )
  return own
}
