import { describe, expect, it } from 'vitest'
import { registrableDomain } from './registrable-domain.ts'

describe('registrableDomain', () => {
  it.each([
    { host: 'mail.google.com', domain: 'google.com', suffix: 'com' },
    { host: 'www.google.co.uk', domain: 'google.co.uk', suffix: 'co.uk' },
    { host: 'm.search.naver.com', domain: 'naver.com', suffix: 'com' },
    { host: 'news.yahoo.co.jp', domain: 'yahoo.co.jp', suffix: 'co.jp' },
    { host: 'yandex.com.tr', domain: 'yandex.com.tr', suffix: 'com.tr' },
    { host: 'go.mail.ru', domain: 'mail.ru', suffix: 'ru' },
    { host: 't.co', domain: 't.co', suffix: 'co' },
    { host: 'web.de', domain: 'web.de', suffix: 'de' },
    { host: 'so.360.cn', domain: '360.cn', suffix: 'cn' },
  ])('$host belongs to $domain (suffix $suffix)', ({ host, domain, suffix }) => {
    expect(registrableDomain(host)).toMatchObject({ domain, suffix })
  })

  it.each([{ host: 'localhost' }, { host: '192.168.0.1' }, { host: '[::1]' }, { host: 'co.uk' }, { host: 'a..b' }])(
    'has none for $host',
    ({ host }) => {
      expect(registrableDomain(host)).toBeNull()
    },
  )
})
