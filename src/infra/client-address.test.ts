import type { IncomingMessage } from 'node:http'
import proxyAddr from '@fastify/proxy-addr'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { clientAddress, proxyTrustOf, type TrustProxySetting } from './client-address.ts'

const PROXY = '10.0.0.2'
const CLIENT = '203.0.113.9'

// [case, socket peer, X-Forwarded-For, TRUST_PROXY, client]
const cases: [string, string, string | undefined, TrustProxySetting, string][] = [
  ['no proxy trusted: the peer, whatever the header says', CLIENT, '6.6.6.6', false, CLIENT],
  ['one hop, no header: the peer', PROXY, undefined, 1, PROXY],
  ['one hop: the address the proxy added', PROXY, CLIENT, 1, CLIENT],
  ['one hop, a prepended forgery is ignored', PROXY, `6.6.6.6, 7.7.7.7, ${CLIENT}`, 1, CLIENT],
  ['two hops', PROXY, `6.6.6.6, ${CLIENT}, 10.0.0.1`, 2, CLIENT],
  ['more hops than addresses: the leftmost', PROXY, `${CLIENT}, 10.0.0.1`, 5, CLIENT],
  ['spaces and tabs around addresses', PROXY, ` 6.6.6.6 ,\t${CLIENT}\t`, 1, CLIENT],
  ['empty entries are skipped', PROXY, `6.6.6.6,, ${CLIENT} ,`, 1, CLIENT],
  ['an empty header: the peer', PROXY, '', 1, PROXY],
  ['only commas: the peer', PROXY, ' , ,', 1, PROXY],
  ['a single address, trimmed', PROXY, `  ${CLIENT}  `, 1, CLIENT],
  ['listed proxy CIDR', PROXY, `6.6.6.6, ${CLIENT}`, ['10.0.0.0/8'], CLIENT],
  ['listed proxies, two in a chain', PROXY, `6.6.6.6, ${CLIENT}, 10.9.9.9`, ['10.0.0.0/8'], CLIENT],
  ['a peer that is not a listed proxy: the peer', '198.51.100.4', `6.6.6.6, ${CLIENT}`, ['10.0.0.0/8'], '198.51.100.4'],
  ['every address a listed proxy: the leftmost', PROXY, '10.1.1.1, 10.2.2.2', ['10.0.0.0/8'], '10.1.1.1'],
  ['proxy-addr names: loopback', '127.0.0.1', `6.6.6.6, ${CLIENT}`, ['loopback'], CLIENT],
  ['an IPv4-mapped peer matches an IPv4 CIDR', '::ffff:10.0.0.2', CLIENT, ['10.0.0.0/8'], CLIENT],
  ['IPv6 proxy and client', 'fd00::2', `6.6.6.6, 2001:db8::1`, ['fc00::/7'], '2001:db8::1'],
  ['not an address in the header: passed on as is', PROXY, 'unknown', 1, 'unknown'],
]

/** What proxy-addr (Fastify's request.ip) says for the same request. */
function viaProxyAddr(socket: string, xff: string | undefined, setting: TrustProxySetting): string {
  const req = {
    headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
    socket: { remoteAddress: socket },
  } as unknown as IncomingMessage
  const trust = proxyTrustOf(setting)
  return trust ? proxyAddr(req, trust) : socket
}

describe('clientAddress: the rightmost address not added by a trusted proxy', () => {
  it.each(cases)('%s', (_, socket, xff, setting, expected) => {
    expect(clientAddress(socket, xff, proxyTrustOf(setting))).toBe(expected)
    expect(viaProxyAddr(socket, xff, setting)).toBe(expected)
  })

  it.each(cases)(
    "agrees with Fastify's request.ip given the same trust function: %s",
    async (_, socket, xff, setting, expected) => {
      const app = Fastify({ trustProxy: proxyTrustOf(setting) ?? false })
      app.get('/', async (request) => ({ ip: request.ip }))
      try {
        const res = await app.inject({
          url: '/',
          remoteAddress: socket,
          headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
        })
        expect(res.json().ip).toBe(expected)
      } finally {
        await app.close()
      }
    },
  )
})

describe('proxyTrustOf', () => {
  it('trusts nothing for false or 0, and counts hops from the peer', () => {
    expect(proxyTrustOf(false)).toBeNull()
    expect(proxyTrustOf(0)).toBeNull()
    const two = proxyTrustOf(2)!
    expect([0, 1, 2].map((hop) => two('192.0.2.1', hop))).toEqual([true, true, false])
  })

  it('refuses what is not an address or CIDR', () => {
    expect(() => proxyTrustOf(['10.0.0.0/99'])).toThrow()
    expect(() => proxyTrustOf(['proxy.example'])).toThrow()
  })
})
