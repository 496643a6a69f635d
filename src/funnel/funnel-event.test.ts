import { describe, expect, it } from 'vitest'
import type { Classification } from '../clicks/classify/classification.ts'
import { arrivalOf } from './funnel-event.ts'

const ids = { id: 7, contentId: '3', at: 1_000 }
const direct: Classification = { kind: 'human', medium: 'direct', app: null, visibility: 'dark', reason: 'no referrer' }
const inApp: Classification = {
  kind: 'human',
  medium: 'in_app',
  app: 'instagram',
  visibility: 'dark',
  reason: 'Instagram in-app browser',
}
const search: Classification = {
  kind: 'human',
  medium: 'search',
  app: 'google',
  visibility: 'public',
  reason: 'search',
}
const bot: Classification = { kind: 'bot', medium: null, app: null, visibility: null, reason: 'crawler' }
const noToken = { generation: 0 }

describe('arrivalOf', () => {
  it.each([
    {
      name: 'a dark arrival nothing explains',
      beacon: noToken,
      label: direct,
      via: null,
      source: 'unattributed',
      generation: 0,
    },
    { name: 'a public arrival', beacon: noToken, label: search, via: null, source: 'public', generation: 0 },
    { name: 'through a kit link', beacon: noToken, label: direct, via: '42', source: 'via_short_link', generation: 0 },
    {
      name: 'a kit link wins over a token',
      beacon: { parent: 'AAAAAAAA', generation: 1 },
      label: direct,
      via: '42',
      source: 'via_short_link',
      generation: 0,
    },
    {
      name: 'an address-bar URL, generation 1',
      beacon: { parent: 'AAAAAAAA', token: 'BBBBBBBB', generation: 1 },
      label: direct,
      via: null,
      source: 'address_bar',
      generation: 1,
    },
    {
      name: 'an address-bar URL opened in an in-app browser, generation 2',
      beacon: { parent: 'AAAAAAAA', generation: 2 },
      label: inApp,
      via: null,
      source: 'address_bar',
      generation: 2,
    },
    {
      name: 'an address-bar URL posted in public still counts as one',
      beacon: { parent: 'AAAAAAAA', generation: 1 },
      label: search,
      via: null,
      source: 'address_bar',
      generation: 1,
    },
  ])('$name → $source, generation $generation', ({ beacon, label, via, source, generation }) => {
    const event = arrivalOf(beacon, label, via, ids)
    expect(event).toMatchObject({
      type: 'arrival',
      ...ids,
      source,
      generation,
      medium: label.medium,
      app: label.app,
      visibility: label.visibility,
      linkId: via,
    })
    expect(event!.parentToken).toBe(source === 'address_bar' ? 'AAAAAAAA' : null)
  })

  it('is null for a page view that is not a person (a bot running scripts)', () => {
    expect(arrivalOf(noToken, bot, null, ids)).toBeNull()
    expect(arrivalOf(noToken, { ...bot, kind: 'preview', app: 'whatsapp' }, null, ids)).toBeNull()
  })
})
