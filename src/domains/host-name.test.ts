import { describe, expect, it } from 'vitest'
import { hostNameProblem, hostOfHeader, normalizeHost } from './host-name.ts'

describe('short domain host names', () => {
  it.each([
    ['go.brand.com', null],
    ['brand.link', null],
    ['a-b.c-d.example', null],
    ['xn--caf-dma.example', null],
    ['localhost', 'must be a full host name such as go.example.com'],
    ['', 'must be a host name of 1 to 253 characters'],
    ['-bad.example', 'must be a host name: letters, digits and hyphens between dots, no scheme, port or path'],
    ['bad-.example', 'must be a host name: letters, digits and hyphens between dots, no scheme, port or path'],
    ['under_score.example', 'must be a host name: letters, digits and hyphens between dots, no scheme, port or path'],
    ['https://brand.com', 'must be a host name: letters, digits and hyphens between dots, no scheme, port or path'],
    ['brand.com:8080', 'must be a host name: letters, digits and hyphens between dots, no scheme, port or path'],
    ['brand.com/path', 'must be a host name: letters, digits and hyphens between dots, no scheme, port or path'],
    ['a..example', 'must be a host name: letters, digits and hyphens between dots, no scheme, port or path'],
    [
      `${'a'.repeat(64)}.example`,
      'must be a host name: letters, digits and hyphens between dots, no scheme, port or path',
    ],
    [`${'a.'.repeat(127)}example`, 'must be a host name of 1 to 253 characters'],
    ['192.168.1.1', 'must be a host name, not an IP address'],
  ])('%s → %s', (host, problem) => {
    expect(hostNameProblem(host)).toBe(problem)
  })

  it.each([
    [' Go.Brand.COM. ', 'go.brand.com'],
    ['café.example', 'xn--caf-dma.example'],
    ['BRAND.link', 'brand.link'],
  ])('stores %j as %j', (input, stored) => {
    expect(normalizeHost(input)).toBe(stored)
  })

  it.each([
    ['go.brand.com', 'go.brand.com'],
    ['GO.Brand.com:443', 'go.brand.com'],
    ['go.brand.com.', 'go.brand.com'],
    ['go.brand.com.:8080', 'go.brand.com'],
    ['[::1]:8080', '[::1]'],
    ['[::1]', '[::1]'],
    ['127.0.0.1:80', '127.0.0.1'],
    [undefined, ''],
  ])('reads the host of Host: %s', (header, host) => {
    expect(hostOfHeader(header)).toBe(host)
  })
})
