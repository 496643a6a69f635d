import { isbot, isbotMatches } from 'isbot'
import { findInAppBrowser, findUnnamedWebView } from './in-app-browsers.ts'

/** Browsers driven by code: isbot knows most, not all, of the automation toolkits. */
const HEADLESS_BROWSER =
  /\b(?:HeadlessChrome|PhantomJS|SlimerJS|HtmlUnit|Puppeteer|Playwright|Selenium|WebDriver|Nightmare|jsdom|Cypress|Splash|wkhtmlto(?:pdf|image)|Rendertron|Prerender)\b/i

/** Assistants fetching a page on a user's behalf (ChatGPT-User, Claude-User, Amzn-User): automated, not a visit. */
const AGENT_FOR_A_USER = /[\w.]+-User\/[\d.]+/

/**
 * Browsers whose user agent isbot takes for a crawler's: Sogou's (by name), Dillo, w3m and NetSurf (too
 * short), Java phone browsers (Obigo, ICEbrowser, anything on MIDP) for their "Java" token.
 */
const BROWSER_NAMED_LIKE_A_CRAWLER =
  /\bSogou(?:MobileBrowser|MSE)\b|\bSE \d\.X MetaSr\b|^Dillo\/[\d.]+$|^w3m\/[\w.+-]+$|^NetSurf\/[\d.]+ \(|\bPaleMoon\/\d|\bObigo\b|\bICEbrowser\b|\bProfile\/MIDP-/

/**
 * isbot reads odd punctuation and some words as automation, so it flags in-app browsers whose apps append
 * telemetry (Alipay's "ws:360|0|3.0") or whose names contain a crawler's word ("AcmeNews/4.2"). When the
 * user agent is a web view and none of isbot's matches is a robot's word, the request is a person.
 */
const ROBOT_WORD = /bot|crawl|spider|slurp|scrap|fetch|preview|headless|python|curl|wget|java|http|monitor|check|scan/i

/**
 * Render, screenshot, PDF, audit and research services drive a real browser and append their own token
 * after its "Safari/…" ("… Safari/537.36 wkhtmltopdf", "… Safari/537.36 Gemini-Deep-Research"). Browsers
 * and in-app browsers append tokens there too (Edg/, OPR/, [FB_IAB/…], Line/), so only the appended part
 * is read, and only for words that name a machine's job. Sources: Urlbox, ApiFlash, Gotenberg, GTmetrix,
 * Google's crawler list.
 */
const APPENDED_AUTOMATION =
  /pdf|screenshot|render|snapshot|thumbnail|capture|wkhtml|gotenberg|apiflash|urlbox|metrix|lighthouse|research|archiv|crawl|scrap|spider|monitor|synthetic|uptime|\bbot\b|bot\/|probe|validator|audit/i

/**
 * HTTP clients isbot does not know, read from the first product token only (a library's name, then "/"):
 * Dart's dart:io, Deno, Bun, Rust's reqwest and hyper, .NET's RestSharp, Elixir's Req/Finch/Mint/hackney.
 */
const HTTP_CLIENT_FIRST =
  /^(?:Dart|Deno|Bun|reqwest|hyper|RestSharp|Req|Finch|Mint|hackney|HTTPoison|Typhoeus|fasthttp|Vert\.x-WebClient|Jersey|cpp-httplib|libcurl|http-kit|Embarcadero URI Client|Swift|CFNetwork)\//

/**
 * The device model sits between "Android x;" and the next ";" or ")": "(Linux; Android 10; CUBOT X30)",
 * "(Linux; U; Android 4.2.2; en-us; Spider Build/JDQ39)". Makers name phones with crawler words
 * (CUBOT, "…Bot…"), so isbot's verdict is checked again with the model left out.
 */
const ANDROID_MODEL = /(\bAndroid [\d.]+;(?: [a-z]{2,3}[-_][a-z]{2,4};)? )[^;)]*/i
/** Only generic crawler words are forgiven there: a monitor naming itself in that slot ("Catchpoint") is no phone. */
const CRAWLER_WORD_IN_A_NAME = /bot|spider|crawl/i

/** What gives the user agent away as automated (the matched token), or null for a person's browser. */
export function findAutomation(ua: string): string | null {
  const headless = HEADLESS_BROWSER.exec(ua)
  if (headless) return headless[0]
  // includes() first: the regex would try every position of every browser's user agent.
  const agent = ua.includes('-User/') ? AGENT_FOR_A_USER.exec(ua) : null
  if (agent) return agent[0]
  // A browser's string starts with "Mozilla/": only its appended tail can give it away; anything else may be a library.
  if (ua.startsWith('Mozilla/')) {
    const appended = appendedToken(ua)
    if (appended !== '' && APPENDED_AUTOMATION.test(appended)) return appended
  } else {
    const client = HTTP_CLIENT_FIRST.exec(ua)
    if (client) return client[0]
  }
  if (!isbot(ua)) return null
  const matches = isbotMatches(ua)
  if (ua.includes('Android') && matches.every((match) => CRAWLER_WORD_IN_A_NAME.test(match))) {
    if (!isbot(ua.replace(ANDROID_MODEL, '$1model'))) return null
  }
  const robotWord = matches.find((match) => ROBOT_WORD.test(match))
  if (BROWSER_NAMED_LIKE_A_CRAWLER.test(ua) && !/bot|crawl|spider/i.test(robotWord ?? '')) return null
  if (robotWord) return robotWord.trim()
  if (findInAppBrowser(ua) || findUnnamedWebView(ua)) return null
  return (matches[0] ?? ua).trim() || ua
}

/** What a browser's user agent carries after its last "Safari/<version>", or '' when nothing follows. */
function appendedToken(ua: string): string {
  const at = ua.lastIndexOf('Safari/')
  if (at < 0) return ''
  const end = ua.indexOf(' ', at)
  return end < 0 ? '' : ua.slice(end + 1).trim()
}
