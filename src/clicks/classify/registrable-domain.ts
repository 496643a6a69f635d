/**
 * The registrable domain of a host ("mail.google.co.uk" → google.co.uk, suffix co.uk), so host tables can
 * match whole labels rather than substrings ("notgoogle.com" is not Google) and name a brand across its
 * country domains ("google.*").
 *
 * A full public-suffix list is more than referrer matching needs: ccTLD registries overwhelmingly sell
 * second-level names under a handful of generic labels (co.uk, com.au, ne.jp, gob.mx), so those are the
 * only two-label suffixes recognised.
 */
export type RegistrableDomain = {
  /** e.g. "google.co.uk" */
  domain: string
  /** e.g. "co.uk" */
  suffix: string
  /** the host's labels, e.g. ["mail", "google", "co", "uk"] */
  labels: string[]
  /** how many trailing labels form the suffix (1 or 2) */
  suffixLabels: number
}

const CCTLD_SECOND_LEVEL_LABELS = new Set([
  'ac',
  'co',
  'com',
  'edu',
  'go',
  'gob',
  'gov',
  'ltd',
  'mil',
  'ne',
  'net',
  'or',
  'org',
  'plc',
  'sch',
])

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/

/** Null for IP addresses, single-label hosts ("localhost") and bare suffixes ("co.uk"). */
export function registrableDomain(host: string): RegistrableDomain | null {
  if (IPV4.test(host) || host.includes(':')) return null
  const labels = host.split('.')
  if (labels.length < 2 || labels.some((label) => label === '')) return null
  const tld = labels[labels.length - 1]
  const second = labels[labels.length - 2]
  const suffixLabels = tld.length === 2 && CCTLD_SECOND_LEVEL_LABELS.has(second) ? 2 : 1
  if (labels.length <= suffixLabels) return null
  return {
    domain: labels.slice(-suffixLabels - 1).join('.'),
    suffix: labels.slice(-suffixLabels).join('.'),
    labels,
    suffixLabels,
  }
}
