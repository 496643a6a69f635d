import { IncomingMessage, type IncomingHttpHeaders } from 'node:http'
import { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { proxyTrustOf } from '../../infra/client-address.ts'
import { readRawCaptureRequest, type CaptureRequest } from './capture-request.ts'
import type { Place, PlaceLookup } from './country-lookup.ts'

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const SOCKET_IP = '192.0.2.10'

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

/** The reference: a CaptureRequest from the headers Node parses into an object. */
function captureRequestOf(
  method: string,
  headers: IncomingHttpHeaders,
  ip: string,
  countryHeader: string | undefined,
): CaptureRequest {
  return {
    method,
    ip,
    userAgent: headers['user-agent'],
    referer: headers.referer,
    requestedWith: first(headers['x-requested-with']),
    acceptLanguage: headers['accept-language'],
    purpose: first(headers['sec-purpose'] ?? headers.purpose ?? headers['x-moz']),
    optsOut: headers.dnt === '1' || headers['sec-gpc'] === '1',
    country: countryHeader ? first(headers[countryHeader]) : undefined,
    region: undefined,
    city: undefined,
  }
}

/** A request as Node's HTTP parser hands it over: rawHeaders set, `headers` built on first read. */
function parsed(rawHeaders: string[], method = 'GET'): IncomingMessage {
  const socket = new Socket()
  Object.defineProperty(socket, 'remoteAddress', { value: SOCKET_IP })
  const req = new IncomingMessage(socket)
  req.method = method
  ;(req as unknown as { _addHeaderLines(h: string[], n: number): void })._addHeaderLines(rawHeaders, rawHeaders.length)
  return req
}

// Each raw header list, read both ways: from the raw list, and from Node's parsed headers.
const sameAsNode: [string, string[], { method?: string; countryHeader?: string }?][] = [
  ['a browser', ['Host', 'u.example', 'User-Agent', CHROME, 'Accept', '*/*', 'Accept-Language', 'fr-CH, fr;q=0.9']],
  [
    'lower-case names',
    ['host', 'u.example', 'user-agent', CHROME, 'referer', 'https://mail.google.com/', 'accept-language', 'en'],
  ],
  [
    'upper-case names',
    ['HOST', 'u.example', 'USER-AGENT', CHROME, 'REFERER', 'https://t.co/x', 'X-REQUESTED-WITH', 'com.whatsapp'],
  ],
  [
    'an Android WebView',
    ['User-Agent', `${CHROME}; wv`, 'X-Requested-With', 'com.facebook.katana', 'Referer', 'http://m.facebook.com/'],
  ],
  ['Sec-Purpose prefetch', ['User-Agent', CHROME, 'Sec-Purpose', 'prefetch;prerender']],
  ['Purpose prefetch', ['User-Agent', CHROME, 'Purpose', 'prefetch']],
  ['X-Moz prefetch', ['User-Agent', CHROME, 'X-Moz', 'prefetch']],
  ['Sec-Purpose ahead of Purpose', ['Purpose', 'prefetch', 'Sec-Purpose', 'prerender']],
  ['DNT: 1', ['User-Agent', CHROME, 'DNT', '1']],
  ['DNT: 0', ['User-Agent', CHROME, 'DNT', '0']],
  ['Sec-GPC: 1', ['User-Agent', CHROME, 'Sec-GPC', '1']],
  ['a country header, any case', ['User-Agent', CHROME, 'CF-IPCountry', 'ch'], { countryHeader: 'cf-ipcountry' }],
  ['no country header configured', ['User-Agent', CHROME, 'CF-IPCountry', 'ch']],
  ['User-Agent twice: the first', ['User-Agent', 'first', 'User-Agent', 'second']],
  [
    'Referer twice: the first',
    ['User-Agent', CHROME, 'Referer', 'https://a.example/', 'Referer', 'https://b.example/'],
  ],
  [
    'names as long as the ones read',
    ['X-Custom-Header1', 'x', 'Content-Length', '0', 'X-Forwarded-Fox', 'y', 'Accept-Encodings', 'z', 'abc', '1'],
  ],
  ['no headers at all', []],
  ['HEAD', ['User-Agent', CHROME], { method: 'HEAD' }],
]

describe('reading what capture needs straight from the raw headers', () => {
  it.each(sameAsNode)("%s: the same as from Node's parsed headers", (_, raw, o = {}) => {
    const fromRaw = readRawCaptureRequest(parsed(raw, o.method), o.countryHeader, null)
    const req = parsed(raw, o.method)
    expect(fromRaw).toEqual(captureRequestOf(req.method!, req.headers, SOCKET_IP, o.countryHeader))
  })

  it("never builds Node's headers object", () => {
    const req = parsed(['User-Agent', CHROME, 'Referer', 'https://t.co/'])
    // Node keeps the object it builds on the first read of req.headers under this symbol.
    const kHeaders = Object.getOwnPropertySymbols(req).find((s) => s.description === 'kHeaders')!
    const built = () => (req as unknown as Record<symbol, unknown>)[kHeaders] != null
    expect(kHeaders).toBeDefined()
    readRawCaptureRequest(req, 'cf-ipcountry', proxyTrustOf(1))
    expect(built()).toBe(false)
    void req.headers
    expect(built()).toBe(true)
  })

  // Behind TRUST_PROXY, the rightmost address no trusted proxy added: a client cannot pick its own by prepending.
  const ipCases: [string, string[], false | number | string[], string][] = [
    ['the socket address without a trusted proxy', ['X-Forwarded-For', '203.0.113.9'], false, SOCKET_IP],
    [
      'one proxy: the rightmost X-Forwarded-For address',
      ['X-Forwarded-For', ' 6.6.6.6 , 203.0.113.9'],
      1,
      '203.0.113.9',
    ],
    ['two proxies: the second from the right', ['X-Forwarded-For', '6.6.6.6, 203.0.113.9, 10.0.0.1'], 2, '203.0.113.9'],
    [
      'repeated X-Forwarded-For headers count as one list, as Node joins them',
      ['x-forwarded-for', '6.6.6.6', 'X-Forwarded-For', '203.0.113.9'],
      1,
      '203.0.113.9',
    ],
    ['the socket address when a trusted proxy sent none', ['User-Agent', CHROME], 1, SOCKET_IP],
    [
      'a listed proxy: the first address from the right not listed',
      ['X-Forwarded-For', '6.6.6.6, 203.0.113.9, 10.1.2.3'],
      ['192.0.2.0/24', '10.0.0.0/8'],
      '203.0.113.9',
    ],
    ['a socket peer that is not a listed proxy: itself', ['X-Forwarded-For', '203.0.113.9'], ['10.0.0.0/8'], SOCKET_IP],
  ]
  it.each(ipCases)('client address: %s', (_, raw, trustProxy, ip) => {
    expect(readRawCaptureRequest(parsed(raw), undefined, proxyTrustOf(trustProxy)).ip).toBe(ip)
  })

  // Node joins repeated headers it does not know with ", "; the raw reader takes the first value instead.
  const firstValueCases: [string, string[], Partial<CaptureRequest>][] = [
    ['DNT twice still opts out', ['DNT', '1', 'DNT', '1'], { optsOut: true }],
    [
      'X-Requested-With twice: the first app',
      ['X-Requested-With', 'com.whatsapp', 'X-Requested-With', 'com.android.chrome'],
      { requestedWith: 'com.whatsapp' },
    ],
    ['a country header twice: the first', ['CF-IPCountry', 'CH', 'cf-ipcountry', 'FR'], { country: 'CH' }],
  ]
  it.each(firstValueCases)('%s', (_, raw, expected) => {
    expect(readRawCaptureRequest(parsed(raw), 'cf-ipcountry', null)).toMatchObject(expected)
  })

  // The IP database's place: its country unless the proxy named one; region and city only when the countries agree.
  const paris: Place = { country: 'FR', region: 'IDF', city: 'Paris' }
  const lookupOf = (place: Place | null, cities: boolean): PlaceLookup => Object.assign(() => place, { cities })
  const placeCases: [string, string[], Place | null, boolean, Partial<CaptureRequest>][] = [
    ['a city database', [], paris, true, { country: 'FR', region: 'IDF', city: 'Paris' }],
    ['a country database', [], { country: 'FR', region: null, city: null }, false, { country: 'FR', city: undefined }],
    ['an address it does not know', [], null, true, { country: undefined, region: undefined, city: undefined }],
    ['the header agreeing (any case)', ['CF-IPCountry', 'fr'], paris, true, { country: 'fr', city: 'Paris' }],
    ['the header naming another country', ['CF-IPCountry', 'BE'], paris, true, { country: 'BE', city: undefined }],
    [
      'a region without a city',
      [],
      { country: 'FR', region: 'IDF', city: null },
      true,
      { region: 'IDF', city: undefined },
    ],
  ]
  it.each(placeCases)('place: %s', (_, raw, place, cities, expected) => {
    const r = readRawCaptureRequest(parsed(raw), 'cf-ipcountry', null, lookupOf(place, cities))
    expect(r).toMatchObject(expected)
    if (expected.city === undefined) expect(r.city).toBeUndefined()
  })

  it('asks a country database nothing when the header named the country', () => {
    let asked = 0
    const lookup = Object.assign(
      () => {
        asked++
        return paris
      },
      { cities: false },
    )
    readRawCaptureRequest(parsed(['CF-IPCountry', 'FR']), 'cf-ipcountry', null, lookup)
    expect(asked).toBe(0)
  })
})
