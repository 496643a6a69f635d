import type { DescribedClassification } from '../src/clicks/classify/classification.ts'
import type { ClickRecord } from '../src/clicks/click-record.ts'
import { createClickVerdict, type ClickVerdict } from '../src/clicks/verdicts/click-verdict.ts'

const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 329.0.0.40.100',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
]
// [kind, medium, app, visibility, referrer], weighted by repetition: mostly dark human clicks.
const LABELS: [ClickRecord['kind'], ClickRecord['medium'], string | null, ClickRecord['visibility'], string | null][] =
  [
    ['human', 'direct', null, 'dark', null],
    ['human', 'direct', null, 'dark', null],
    ['human', 'direct', null, 'dark', null],
    ['human', 'in_app', 'instagram', 'dark', null],
    ['human', 'email', 'gmail', 'dark', 'https://mail.google.com/'],
    ['human', 'messaging', 'whatsapp', 'dark', 'https://web.whatsapp.com/'],
    ['human', 'search', 'google', 'public', 'https://www.google.com/'],
    ['human', 'social', 'facebook', 'public', 'https://www.facebook.com/'],
    ['preview', null, 'whatsapp', null, null],
    ['bot', null, null, null, null],
  ]
const DEVICES = [
  ['Chrome', 'Windows', 'desktop'],
  ['Instagram', 'iOS', 'mobile'],
  ['Chrome', 'Android', 'mobile'],
  ['Safari', 'macOS', 'desktop'],
]

/** One synthetic click, as capture hands it to the writer. */
export type SyntheticClick = { id: number; linkId: string; at: number; verdict: ClickVerdict; visitor: number | null }

/**
 * Clicks as production would see them: spread over `links` links (half the traffic on a tenth of them),
 * one hour, mostly distinct visitors, each with the verdict it was classified with (shared objects, as
 * capture's memo hands them out). Ids start at `firstId` and are consecutive, as the minter makes them.
 * Made one at a time, so a bench of millions does not hold them all.
 */
export function* syntheticClicks(
  n: number,
  o: { linkIds: string[]; firstId: number; at: number },
): Generator<SyntheticClick> {
  const verdicts = new Map<string, ClickVerdict>()
  const verdictOf = (l: (typeof LABELS)[number], d: number) => {
    const key = `${l.join()}|${d}`
    let verdict = verdicts.get(key)
    if (!verdict) {
      const [kind, medium, app, visibility, referrer] = l
      const label: DescribedClassification = Object.freeze({
        kind,
        medium,
        app,
        visibility,
        reason: 'synthetic',
        browser: DEVICES[d][0],
        os: DEVICES[d][1],
        device: DEVICES[d][2],
      })
      verdict = createClickVerdict(UAS[d], referrer ?? '', '', label)
      verdicts.set(key, verdict)
    }
    return verdict
  }
  // mulberry32: a full-period 32-bit generator, deterministic across runs.
  let seed = 42
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  for (let i = 0; i < n; i++) {
    const r = rand()
    const link =
      o.linkIds[Math.floor(r < 0.5 ? rand() * Math.max(1, o.linkIds.length / 10) : rand() * o.linkIds.length)]
    const l = LABELS[Math.floor(rand() * LABELS.length)]
    const verdict = verdictOf(l, Math.floor(rand() * UAS.length))
    yield {
      id: o.firstId + i,
      linkId: link,
      at: o.at + Math.floor((i / n) * 3_000_000),
      verdict,
      visitor: l[0] === 'human' ? Math.floor(rand() * 2 ** 32) * 2 ** 20 + Math.floor(rand() * 2 ** 20) : null,
    }
  }
}
