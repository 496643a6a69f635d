export type UtmTags = { source: string; medium: string; campaign?: string | null }

/**
 * Adds utm_source, utm_medium and utm_campaign to a target URL, never touching a parameter the
 * target already has (under any letter case): the owner's own tagging wins. The fragment stays last.
 */
export function tagWithUtm(target: string, tags: UtmTags): string {
  const url = new URL(target)
  const present = new Set([...url.searchParams.keys()].map((k) => k.toLowerCase()))
  const wanted: [string, string | null | undefined][] = [
    ['utm_source', tags.source],
    ['utm_medium', tags.medium],
    ['utm_campaign', tags.campaign],
  ]
  for (const [name, value] of wanted) if (value && !present.has(name)) url.searchParams.append(name, value)
  return url.href
}
