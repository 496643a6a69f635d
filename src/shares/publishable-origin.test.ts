import { describe, expect, it } from 'vitest'
import { publishableKeyRefusal } from './publishable-origin.ts'

const publishable = {
  kind: 'publishable' as const,
  origins: ['https://www.example.com', 'https://blog.example.com:8443'],
}

describe('publishable keys mint kits only for their origins, from their origins', () => {
  it.each([
    {
      name: 'a page of the allowed origin sharing itself',
      kitUrl: 'https://www.example.com/a?x=1',
      origin: 'https://www.example.com',
      allowed: true,
    },
    {
      name: 'an allowed origin with its port',
      kitUrl: 'https://blog.example.com:8443/post',
      origin: 'https://blog.example.com:8443',
      allowed: true,
    },
    {
      name: 'one allowed origin sharing a URL of another',
      kitUrl: 'https://blog.example.com:8443/post',
      origin: 'https://www.example.com',
      allowed: true,
    },
    {
      name: 'host letter case does not matter',
      kitUrl: 'https://WWW.Example.com/a',
      origin: 'https://www.example.com',
      allowed: true,
    },
    {
      name: 'default port written out',
      kitUrl: 'https://www.example.com:443/a',
      origin: 'https://www.example.com',
      allowed: true,
    },
    {
      name: 'a kit URL on another site',
      kitUrl: 'https://evil.example.net/a',
      origin: 'https://www.example.com',
      allowed: false,
    },
    {
      name: 'a kit URL on a subdomain not listed',
      kitUrl: 'https://shop.example.com/a',
      origin: 'https://www.example.com',
      allowed: false,
    },
    {
      name: 'http instead of https',
      kitUrl: 'http://www.example.com/a',
      origin: 'https://www.example.com',
      allowed: false,
    },
    {
      name: 'the blog without its port',
      kitUrl: 'https://blog.example.com/a',
      origin: 'https://www.example.com',
      allowed: false,
    },
    {
      name: 'a page on another site',
      kitUrl: 'https://www.example.com/a',
      origin: 'https://evil.example.net',
      allowed: false,
    },
    {
      name: 'no Origin header (a server using a page key)',
      kitUrl: 'https://www.example.com/a',
      origin: undefined,
      allowed: false,
    },
    {
      name: 'Origin null (sandboxed frame, file:)',
      kitUrl: 'https://www.example.com/a',
      origin: 'null',
      allowed: false,
    },
    {
      name: 'a lookalike origin',
      kitUrl: 'https://www.example.com/a',
      origin: 'https://www.example.com.evil.net',
      allowed: false,
    },
  ])('$name → allowed: $allowed', ({ kitUrl, origin, allowed }) => {
    const refusal = publishableKeyRefusal(publishable, kitUrl, origin)
    if (allowed) expect(refusal).toBeNull()
    else expect(refusal).toEqual(expect.any(String))
  })

  it.each(['admin', 'secret'] as const)('a %s key may mint for any URL, from anywhere', (kind) => {
    expect(publishableKeyRefusal({ kind, origins: [] }, 'https://anything.example/a', undefined)).toBeNull()
  })

  it('a publishable key without origins can mint nothing', () => {
    expect(
      publishableKeyRefusal(
        { kind: 'publishable', origins: [] },
        'https://www.example.com/',
        'https://www.example.com',
      ),
    ).toEqual(expect.any(String))
  })
})
