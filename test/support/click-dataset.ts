import type { FastifyInstance } from 'fastify'
import type { DescribedClassification } from '../../src/clicks/classify/classification.ts'
import type { ClickRecord } from '../../src/clicks/click-record.ts'
import { createClickVerdict, type ClickVerdict } from '../../src/clicks/verdicts/click-verdict.ts'
import type { ClickWriter } from '../../src/clicks/click-kind/click-writer.ts'
import { eventually } from './test-app.ts'

/** A small deterministic PRNG (mulberry32), so a generated dataset is the same on every run. */
export function seededRandom(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type HumanArrival = Pick<ClickRecord, 'medium' | 'app' | 'visibility'>
// How people arrive, as the classifier would label them: dark (direct, in_app, messaging, email) and public.
const HUMAN_ARRIVALS: HumanArrival[] = [
  { medium: 'direct', app: null, visibility: 'dark' },
  { medium: 'in_app', app: 'instagram', visibility: 'dark' },
  { medium: 'in_app', app: 'facebook', visibility: 'dark' },
  { medium: 'messaging', app: 'whatsapp', visibility: 'dark' },
  { medium: 'email', app: 'gmail', visibility: 'dark' },
  { medium: 'social', app: 'x', visibility: 'public' },
  { medium: 'search', app: 'google', visibility: 'public' },
  { medium: 'referral', app: null, visibility: 'public' },
  { medium: 'internal', app: null, visibility: 'public' },
]
const PREVIEW_APPS = ['whatsapp', 'slack', 'telegram', null]
const DEVICES = [
  { browser: 'Chrome', os: 'Android', device: 'mobile' },
  { browser: 'Safari', os: 'iOS', device: 'mobile' },
  { browser: 'Firefox', os: 'Windows', device: 'desktop' },
]

/**
 * Clicks spread over [fromMs, toMs) across the given links: ~75% humans (a mix of dark and public
 * media, some without a visitor hash, as with DNT), ~15% link previews, ~10% bots.
 */
export function generateClicks(opts: {
  linkIds: readonly string[]
  count: number
  fromMs: number
  toMs: number
  seed: number
  firstId?: number
}): ClickRecord[] {
  const random = seededRandom(opts.seed)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]
  const firstId = opts.firstId ?? 2 ** 52
  return Array.from({ length: opts.count }, (_, i): ClickRecord => {
    const roll = random()
    const kind = roll < 0.75 ? 'human' : roll < 0.9 ? 'preview' : 'bot'
    const human =
      kind === 'human'
        ? pick(HUMAN_ARRIVALS)
        : { medium: null, app: kind === 'preview' ? pick(PREVIEW_APPS) : null, visibility: null }
    const device = pick(DEVICES)
    return {
      id: firstId + i,
      linkId: pick(opts.linkIds),
      at: opts.fromMs + Math.floor(random() * (opts.toMs - opts.fromMs)),
      kind,
      ...human,
      referrer: null,
      userAgent: 'generated',
      visitor: kind === 'human' && random() < 0.9 ? 1 + Math.floor(random() * 40) : null,
      language: 'en',
      country: pick(['FR', 'DE', null]),
      ...device,
    } as ClickRecord
  })
}

/**
 * Records whole click records through a writer, as capture would: each distinct request context and
 * labels becomes one verdict (one frozen label object, as the memoised classifier hands them out).
 */
export function clickRecorder(writer: Pick<ClickWriter, 'recordClick'>) {
  const verdicts = new Map<string, ClickVerdict>()
  const verdictOf = (c: ClickRecord) => {
    const key = JSON.stringify([
      c.userAgent,
      c.referrer,
      c.requestedWith,
      c.kind,
      c.medium,
      c.app,
      c.visibility,
      c.browser,
      c.os,
      c.device,
    ])
    let v = verdicts.get(key)
    if (!v) {
      const label: DescribedClassification = Object.freeze({
        kind: c.kind,
        medium: c.medium,
        app: c.app,
        visibility: c.visibility,
        reason: 'recorded',
        browser: c.browser ?? 'unknown',
        os: c.os ?? 'unknown',
        device: c.device ?? 'unknown',
      })
      v = createClickVerdict(c.userAgent ?? '', c.referrer ?? '', c.requestedWith ?? '', label)
      verdicts.set(key, v)
    }
    return v
  }
  return (c: ClickRecord) =>
    writer.recordClick(c.id, c.linkId, Number(c.linkId), c.at, verdictOf(c), c.visitor, c.language, c.country)
}

/** Hands clicks to the app's own click writer and waits until they are written with their rollups. */
export async function recordClicks(app: FastifyInstance, clicks: readonly ClickRecord[]) {
  const record = clickRecorder(app.clicks.writer)
  for (const c of clicks) record(c)
  await eventually(async () => {
    await app.clicks.writer.flush()
    return app.clicks.writer.stats().backlog === 0
  }, 20_000)
}
