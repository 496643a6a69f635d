import { isbot, isbotMatches } from 'isbot'
import { findInAppBrowser, findUnnamedWebView } from './in-app-browsers.ts'

/** Browsers driven by code: isbot knows most, not all, of the automation toolkits. */
const HEADLESS_BROWSER = /\b(?:HeadlessChrome|PhantomJS|SlimerJS|HtmlUnit|Puppeteer|Playwright|Selenium|WebDriver|Nightmare|jsdom|Cypress|Splash)\b/i

/** Assistants fetching a page on a user's behalf (ChatGPT-User, Claude-User, Amzn-User): automated, not a visit. */
const AGENT_FOR_A_USER = /[\w.]+-User\/[\d.]+/

/**
 * Browsers whose user agent isbot takes for a crawler's: Sogou's (by name), Dillo, w3m and NetSurf (too
 * short), Java phone browsers (Obigo, ICEbrowser, anything on MIDP) for their "Java" token.
 */
const BROWSER_NAMED_LIKE_A_CRAWLER = /\bSogou(?:MobileBrowser|MSE)\b|\bSE \d\.X MetaSr\b|^Dillo\/[\d.]+$|^w3m\/[\w.+-]+$|^NetSurf\/[\d.]+ \(|\bPaleMoon\/\d|\bObigo\b|\bICEbrowser\b|\bProfile\/MIDP-/

/**
 * isbot reads odd punctuation and some words as automation, so it flags in-app browsers whose apps append
 * telemetry (Alipay's "ws:360|0|3.0") or whose names contain a crawler's word ("AcmeNews/4.2"). When the
 * user agent is a web view and none of isbot's matches is a robot's word, the request is a person.
 */
const ROBOT_WORD = /bot|crawl|spider|slurp|scrap|fetch|preview|headless|python|curl|wget|java|http|monitor|check|scan/i

/** What gives the user agent away as automated (the matched token), or null for a person's browser. */
export function findAutomation(ua: string): string | null {
  const headless = HEADLESS_BROWSER.exec(ua)
  if (headless) return headless[0]
  // includes() first: the regex would try every position of every browser's user agent.
  const agent = ua.includes('-User/') ? AGENT_FOR_A_USER.exec(ua) : null
  if (agent) return agent[0]
  if (!isbot(ua)) return null
  const matches = isbotMatches(ua)
  const robotWord = matches.find((match) => ROBOT_WORD.test(match))
  if (BROWSER_NAMED_LIKE_A_CRAWLER.test(ua) && !/bot|crawl|spider/i.test(robotWord ?? '')) return null
  if (robotWord) return robotWord.trim()
  if (findInAppBrowser(ua) || findUnnamedWebView(ua)) return null
  return (matches[0] ?? ua).trim() || ua
}
