import type { ClickKind, Medium, Visibility } from './classify/classification.ts'

/** A click with everything known about it, as labeled_clicks shows it (tests and benches build these). */
export type ClickRecord = {
  /** Minted at capture (generation * 2^32 + counter), so a replayed batch is recognised. */
  id: number
  linkId: string
  /** Epoch milliseconds. */
  at: number
  kind: ClickKind
  medium: Medium | null
  app: string | null
  visibility: Visibility | null
  referrer: string | null
  userAgent: string | null
  /** A keyed, daily-salted hash of IP and user agent (52 bits, see visitor-hash.ts); never the IP. */
  visitor: number | null
  language: string | null
  country: string | null
  browser: string | null
  os: string | null
  device: string | null
  /** Android's X-Requested-With (the app around a WebView), kept so reclassification sees what capture saw. */
  requestedWith: string | null
}

/** Requests that got a redirect but are not clicks at all; counted in the loss ledger only. */
export type LossReason = 'head' | 'prefetch'
export type LossRecord = { linkId: string; at: number; reason: LossReason }
