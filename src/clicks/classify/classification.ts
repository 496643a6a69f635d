import type { CompiledClassifierExtra } from './classifier-extra.ts'

/** How a request for a short link arrived: a person, an app drawing a preview card, or a robot. */
export type ClickKind = 'human' | 'preview' | 'bot'

/** Where a human click came from; the rules that decide it are in classify-click.ts. */
export type Medium = 'direct' | 'in_app' | 'messaging' | 'email' | 'social' | 'search' | 'referral' | 'internal'

/** Dark media hide the share from ordinary analytics: no referrer, an embedded browser, a messenger, a mailbox. */
export type Visibility = 'dark' | 'public'

/**
 * The classifier's verdict on one request.
 * `medium` and `visibility` are null for previews and bots; `app` is a lower_snake app id
 * ('whatsapp', 'instagram', 'gmail', 'x', …) or null when no app can be named.
 */
export type Classification = {
  kind: ClickKind
  medium: Medium | null
  app: string | null
  visibility: Visibility | null
  reason: string
}

/** What the classifier reads from a request: User-Agent, Referer and X-Requested-With ('' or absent when not sent). */
export type ClickInput = {
  ua: string
  referrer: string
  requestedWith?: string
}

/** The ClickInput of a request described with a lower-case header object, as the classify API and CLI take it. */
export const clickInputOf = (
  ua: string,
  referrer: string,
  headers?: Record<string, string | undefined>,
): ClickInput => ({
  ua,
  referrer,
  requestedWith: headers?.['x-requested-with'],
})

/**
 * Deployment facts the rules need: the hosts of PUBLIC_URL, whose referrers are our own pages, and the
 * entries CLASSIFIER_EXTRA adds to the built-in tables.
 */
export type ClassifyContext = { ownHosts: readonly string[]; extra?: CompiledClassifierExtra }

/** The second dimension of a click: what it ran on, from ua-parser-js. Not used for the dark decision. */
export type DeviceDescription = { browser: string; os: string; device: string }

export type DescribedClassification = Classification & DeviceDescription
