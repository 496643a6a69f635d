import { findAndroidApp, isBrowserPackage, isPackageName } from './android-apps.ts'
import { findAutomation } from './bots.ts'
import type { CompiledClassifierExtra } from './classifier-extra.ts'
import type { ClassifyContext, Classification, ClickInput, Medium } from './classification.ts'
import { appNamedByReferrer, classifyReferrer } from './classify-referrer.ts'
import { findElectronApp, findInAppBrowser, findUnnamedWebView } from './in-app-browsers.ts'
import { findLinkPreviewFetcher } from './link-previews.ts'

/** What the rules read, taken from the request once. */
type Click = {
  ua: string
  referrer: string
  requestedWith: string
  ownHosts: readonly string[]
  extra: CompiledClassifierExtra | undefined
}

/** A rule either decides the click or passes it to the next one. */
type Rule = (click: Click) => Classification | null

/**
 * Classifies one request for a short link: the first rule that decides wins.
 *
 *  1. noUserAgent          ''                                           → bot
 *  1b. deploymentExtra     CLASSIFIER_EXTRA's previews, bots, in-app tokens, in that order, before the built-ins
 *  2. linkPreviewFetcher   'WhatsApp/2.23.20.0 A'                        → preview, whatsapp
 *                          '… facebookexternalhit/1.1 Facebot Twitterbot/1.0' → preview, imessage
 *  3. automatedClient      'Googlebot/2.1', 'HeadlessChrome/120', 'ChatGPT-User/1.0' → bot
 *                          (after previews, since isbot calls every fetcher a bot; a web view or browser
 *                          that isbot misreads, e.g. Alipay's "ws:360|0|3.0" or "Dillo/3.0", stays a person)
 *  4. inAppBrowserToken    '… Instagram 309.0.0.28.113 (iPhone14,2 …)'  → human, in_app, instagram
 *                          (beats the referrer: l.instagram.com or none, the click is still in-app)
 *  5. desktopAppWindow     '… Figma/116.5.18 Chrome/114 Electron/25 …'   → human, in_app, figma
 *                          (known chat and workspace apps only: Electron also builds browsers and editors)
 *  6. androidAppWebView    X-Requested-With: com.facebook.orca            → human, in_app, messenger
 *                          (a browser's own package or XMLHttpRequest is not an app)
 *  7. unnamedWebView       '… (Linux; Android 13; Pixel 7; wv) …'       → human, in_app, app from the
 *                          referrer when it names one (android-app://com.pinterest → pinterest)
 *  8. referrerSource       ''                                           → human, direct
 *                          'https://mail.google.com/'                   → human, email, gmail
 *                          'https://web.whatsapp.com/'                  → human, messaging, whatsapp
 *                          'https://l.facebook.com/l.php?u=…'           → human, social, facebook
 *                          'https://www.google.co.uk/'                  → human, search, google
 *                          PUBLIC_URL's host                            → human, internal
 *                          anything else                                → human, referral
 *
 * Visibility follows the medium: direct, in_app, messaging and email are dark; the rest are public.
 */
export function classifyClick(input: ClickInput, context: ClassifyContext): Classification {
  const click: Click = {
    ua: input.ua.trim(),
    referrer: input.referrer,
    requestedWith: input.requestedWith?.trim() ?? '',
    ownHosts: context.ownHosts,
    extra: context.extra,
  }
  for (const rule of RULES) {
    const decided = rule(click)
    if (decided) return decided
  }
  return referrerSource(click)
}

const noUserAgent: Rule = ({ ua }) => (ua === '' ? bot('no user agent') : null)

/** A deployment's own entries (CLASSIFIER_EXTRA) decide before the built-in tables. */
const deploymentExtra: Rule = ({ ua, extra }) => {
  if (!extra) return null
  const fetcher = extra.previewFetchers.find(({ pattern }) => pattern.test(ua))
  if (fetcher) return preview(fetcher.app, `${fetcher.name} link-preview fetch (CLASSIFIER_EXTRA)`)
  const botToken = extra.bots?.exec(ua)
  if (botToken) return bot(`automated client (${botToken[0]}, CLASSIFIER_EXTRA)`)
  const browser = extra.inAppBrowsers.find(({ pattern }) => pattern.test(ua))
  return browser ? human('in_app', browser.app, `${browser.name} in-app browser (CLASSIFIER_EXTRA)`) : null
}

const linkPreviewFetcher: Rule = ({ ua }) => {
  const fetcher = findLinkPreviewFetcher(ua)
  return fetcher ? preview(fetcher.app, `${fetcher.name} link-preview fetch`) : null
}

const automatedClient: Rule = ({ ua }) => {
  const token = findAutomation(ua)
  return token === null ? null : bot(`automated client (${token})`)
}

const inAppBrowserToken: Rule = ({ ua }) => {
  const browser = findInAppBrowser(ua)
  return browser ? human('in_app', browser.app, `${browser.name} in-app browser`) : null
}

const desktopAppWindow: Rule = ({ ua }) => {
  const name = findElectronApp(ua)
  return name ? human('in_app', name.toLowerCase().replace(/[^a-z0-9]+/g, '_'), `${name} desktop app`) : null
}

const androidAppWebView: Rule = ({ requestedWith, referrer, extra }) => {
  if (!isPackageName(requestedWith) || isBrowserPackage(requestedWith)) return null
  const known = findAndroidApp(requestedWith)
  if (known) return human('in_app', known.app, `${known.name} in-app browser`)
  return human('in_app', appNamedByReferrer(referrer, extra?.referrerHosts), `in-app browser of ${requestedWith}`)
}

const unnamedWebView: Rule = ({ ua, referrer, extra }) => {
  const webView = findUnnamedWebView(ua)
  return webView
    ? human('in_app', appNamedByReferrer(referrer, extra?.referrerHosts), `${webView} (in-app browser)`)
    : null
}

function referrerSource({ referrer, ownHosts, extra }: Click): Classification {
  const verdict = classifyReferrer(referrer, ownHosts, extra?.referrerHosts)
  return human(verdict.medium, verdict.app, verdict.reason)
}

const RULES: readonly Rule[] = [
  noUserAgent,
  deploymentExtra,
  linkPreviewFetcher,
  automatedClient,
  inAppBrowserToken,
  desktopAppWindow,
  androidAppWebView,
  unnamedWebView,
]

const DARK_MEDIA: ReadonlySet<Medium> = new Set(['direct', 'in_app', 'messaging', 'email'])

function human(medium: Medium, app: string | null, reason: string): Classification {
  return { kind: 'human', medium, app, visibility: DARK_MEDIA.has(medium) ? 'dark' : 'public', reason }
}

function preview(app: string | null, reason: string): Classification {
  return { kind: 'preview', medium: null, app, visibility: null, reason }
}

function bot(reason: string): Classification {
  return { kind: 'bot', medium: null, app: null, visibility: null, reason }
}
