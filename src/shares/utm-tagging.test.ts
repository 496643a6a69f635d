import { describe, expect, it } from 'vitest'
import { tagWithUtm } from './utm-tagging.ts'

const tags = { source: 'whatsapp', medium: 'messaging', campaign: 'spring' }

describe('UTM tagging of a channel link target', () => {
  it.each([
    {
      name: 'adds all three to a bare URL',
      url: 'https://example.com/a',
      tags,
      out: 'https://example.com/a?utm_source=whatsapp&utm_medium=messaging&utm_campaign=spring',
    },
    {
      name: 'keeps existing parameters first',
      url: 'https://example.com/a?id=7',
      tags,
      out: 'https://example.com/a?id=7&utm_source=whatsapp&utm_medium=messaging&utm_campaign=spring',
    },
    {
      name: 'never overrides an existing utm_source',
      url: 'https://example.com/a?utm_source=newsletter',
      tags,
      out: 'https://example.com/a?utm_source=newsletter&utm_medium=messaging&utm_campaign=spring',
    },
    {
      name: 'an existing empty parameter still counts as present',
      url: 'https://example.com/a?utm_medium=',
      tags,
      out: 'https://example.com/a?utm_medium=&utm_source=whatsapp&utm_campaign=spring',
    },
    {
      name: 'compares names case-insensitively',
      url: 'https://example.com/a?UTM_CAMPAIGN=x',
      tags,
      out: 'https://example.com/a?UTM_CAMPAIGN=x&utm_source=whatsapp&utm_medium=messaging',
    },
    {
      name: 'leaves a fully tagged URL untouched',
      url: 'https://example.com/a?utm_source=a&utm_medium=b&utm_campaign=c',
      tags,
      out: 'https://example.com/a?utm_source=a&utm_medium=b&utm_campaign=c',
    },
    {
      name: 'omits utm_campaign without a campaign',
      url: 'https://example.com/a',
      tags: { source: 'x', medium: 'social' },
      out: 'https://example.com/a?utm_source=x&utm_medium=social',
    },
    {
      name: 'keeps the fragment last',
      url: 'https://example.com/a#comments',
      tags,
      out: 'https://example.com/a?utm_source=whatsapp&utm_medium=messaging&utm_campaign=spring#comments',
    },
    {
      name: 'encodes a campaign with spaces and &',
      url: 'https://example.com/',
      tags: { source: 'email', medium: 'email', campaign: 'Rock & Roll' },
      out: 'https://example.com/?utm_source=email&utm_medium=email&utm_campaign=Rock+%26+Roll',
    },
  ])('$name', ({ url, tags, out }) => {
    expect(tagWithUtm(url, tags)).toBe(out)
  })

  it('is idempotent: tagging a tagged URL again changes nothing', () => {
    const once = tagWithUtm('https://example.com/a?x=1', tags)
    expect(tagWithUtm(once, { source: 'x', medium: 'social', campaign: 'other' })).toBe(once)
  })
})
