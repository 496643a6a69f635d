import { compileClassifierExtra, type ClassifierExtra } from './classifier-extra.ts'
import type { ClassifyContext, ClickInput, DescribedClassification, DeviceDescription } from './classification.ts'
import { classifyClick } from './classify-click.ts'
import { describeDevice } from './describe-device.ts'
import { createTwoGenerationMemo } from '../../infra/two-generation-memo.ts'

export type ClickClassifierOptions = { cacheSize?: number }

/**
 * A memo key for everything the rules read. \n cannot occur inside a header value, so the parts cannot
 * run into each other; a click with no referrer and no X-Requested-With (most dark social) is keyed by
 * its ua as is, with no string to build.
 */
export const verdictKey = (ua: string, referrer: string, requestedWith: string) =>
  referrer === '' && requestedWith === '' ? ua : `${ua}\n${referrer}\n${requestedWith}`

export type ClickClassifier = (input: ClickInput) => DescribedClassification

/**
 * The context every classifier of a deployment shares: its own hosts (PUBLIC_URL's and the DOMAINS setting's,
 * or `ownHosts`, the served domains' live list) and CLASSIFIER_EXTRA's entries.
 */
export function classifyContextFor(config: {
  publicUrl: string
  domains?: readonly string[]
  ownHosts?: readonly string[]
  classifierExtra?: ClassifierExtra
}): ClassifyContext {
  const ownHosts = config.ownHosts ?? [new URL(config.publicUrl).host, ...(config.domains ?? [])]
  return config.classifierExtra ? { ownHosts, extra: compileClassifierExtra(config.classifierExtra) } : { ownHosts }
}

/** Robots have no device to describe; ua-parser-js would spend its time finding nothing. */
const AUTOMATED_DEVICE: DeviceDescription = Object.freeze({ browser: 'unknown', os: 'unknown', device: 'bot' })

/**
 * classifyClick plus describeDevice, with no memo of verdicts: the redirect keeps one memo of whole
 * verdicts (src/clicks/verdicts/verdict-memo.ts). Device descriptions have a memo keyed by ua alone, so
 * ua-parser-js runs once per user agent however many referrers it arrives with. Returned objects are frozen.
 */
export function createClickLabeler(context: ClassifyContext, options: ClickClassifierOptions = {}): ClickClassifier {
  const devices = createTwoGenerationMemo<string, DeviceDescription>(options.cacheSize ?? 20_000)

  const deviceOf = (ua: string): DeviceDescription => {
    let device = devices.get(ua)
    if (device === undefined) {
      device = describeDevice(ua)
      devices.set(ua, device)
    }
    return device
  }

  return function label(input) {
    const { kind, medium, app, visibility, reason } = classifyClick(input, context)
    const { browser, os, device } = kind === 'human' ? deviceOf(input.ua) : AUTOMATED_DEVICE
    return Object.freeze({ kind, medium, app, visibility, reason, browser, os, device })
  }
}

/**
 * The labeler, memoised, for callers that classify one request at a time (the classify route, the CLI).
 * Traffic repeats itself (a few thousand user agents and referrers make most clicks), so verdicts are
 * kept in a bounded memo keyed by everything the rules read: ua, referrer, X-Requested-With. Returned
 * objects are frozen and shared between calls.
 */
export function createClickClassifier(context: ClassifyContext, options: ClickClassifierOptions = {}): ClickClassifier {
  const label = createClickLabeler(context, options)
  const verdicts = createTwoGenerationMemo<string, DescribedClassification>(options.cacheSize ?? 20_000)

  return function classify(input) {
    const key = verdictKey(input.ua, input.referrer, input.requestedWith ?? '')
    let verdict = verdicts.get(key)
    if (verdict === undefined) {
      verdict = label(input)
      verdicts.set(key, verdict)
    }
    return verdict
  }
}
