import { describe, expect, it } from 'vitest'
import { checkTargetUrl, hostnameOf, instanceHosts, isSelfHost, type UrlPolicy } from './url-policy.ts'

const policy: UrlPolicy = {
  ownHosts: instanceHosts('https://sho.rt', '10.1.2.3', ['go.example.com:8443']),
  blockedDomains: [],
}

describe('URL policy: no target that leads back to this machine or this instance', () => {
  it.each([
    ['http://localhost/x', false],
    ['http://LOCALHOST./x', false],
    ['http://app.localhost:3000/', false],
    ['http://localhost.localdomain/', false],
    ['http://ip6-localhost/', false],
    ['http://127.0.0.1/', false],
    ['http://127.10.20.30:8080/', false],
    ['http://127.1/', false],
    ['http://2130706433/', false],
    ['http://0x7f.0.0.1/', false],
    ['http://0177.0.0.1/', false],
    ['http://0.0.0.0/', false],
    ['http://0/', false],
    ['http://[::1]/', false],
    ['http://[0:0:0:0:0:0:0:1]/', false],
    ['http://[::]/', false],
    ['http://[::ffff:127.0.0.1]/', false],
    ['http://[::ffff:7f00:1]/', false],
    ['http://[::ffff:0.0.0.0]/', false],
    ['http://[::127.0.0.1]/', false],
    ['http://[::ffff:0:127.0.0.1]/', false],
    ['http://[64:ff9b::127.0.0.1]/', false],
    // every host the instance serves, on any port
    ['https://sho.rt/abc', false],
    ['http://SHO.RT.:8080/abc', false],
    ['https://10.1.2.3/abc', false],
    ['https://go.example.com/abc', false],
    ['https://go.example.com:8443/abc', false],
    // neighbours that are not us
    ['https://a.sho.rt/abc', true],
    ['https://localhost.example.com/', true],
    ['https://mylocalhost/', true],
    ['http://128.0.0.1/', true],
    ['http://1.0.0.0/', true],
    ['http://[::1:0:0:1]/', true],
    ['http://[2001:db8::1]/', true],
    ['http://[::ffff:8.8.8.8]/', true],
    ['https://example.com/', true],
  ])('%s → allowed %s', (url, allowed) => {
    expect(checkTargetUrl(url, policy).ok).toBe(allowed)
  })

  it.each([
    ['localhost', true],
    ['[::1]', true],
    ['0.0.0.0', true],
    ['127.255.255.255', true],
    ['10.0.0.1', false],
    ['example.com', false],
  ])('isSelfHost(%s) is %s', (host, self) => expect(isSelfHost(host)).toBe(self))

  it.each([
    ['Sho.RT:8080', 'sho.rt'],
    ['sho.rt.', 'sho.rt'],
    ['[::1]:80', '[::1]'],
    ['[::1]', '[::1]'],
    ['10.0.0.1', '10.0.0.1'],
  ])('hostnameOf(%s) is %s', (host, name) => expect(hostnameOf(host)).toBe(name))

  it('names a bare IPv6 listen address as URLs write it', () => {
    const v6 = { ownHosts: instanceHosts('https://sho.rt', '2001:db8::5'), blockedDomains: [] }
    expect(checkTargetUrl('http://[2001:db8::5]:8080/x', v6).ok).toBe(false)
  })

  it('names PUBLIC_URL, the listen host and the configured hosts once each', () => {
    expect(instanceHosts('http://umbra.test:8080', 'umbra.test', ['Other.example'])).toEqual([
      'umbra.test',
      'other.example',
    ])
  })
})
