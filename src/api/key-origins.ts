// An origin exactly as browsers send it: scheme, host and an optional port; nothing else.
const ORIGIN_SHAPE = /^https?:\/\/[^/?#@\s]+\/?$/i

/**
 * Normalises a publishable key's allowed origin ("https://Shop.Example:443/" → "https://shop.example"),
 * or null when it is not an http(s) origin. IDN hosts become punycode, as in the Origin header.
 */
export function parseKeyOrigin(raw: string): string | null {
  if (raw.length > 300 || !ORIGIN_SHAPE.test(raw)) return null
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  if (!url.hostname || url.hostname.includes('*')) return null
  return url.origin
}
