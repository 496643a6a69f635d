import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'

const PG = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/umbra' }

describe('loadConfig: click batches', () => {
  it.each([
    ['embedded database', {}, { batchSize: 20_000, bufferMax: 40_000 }],
    ['real Postgres', PG, { batchSize: 200_000, bufferMax: 400_000 }],
    ['a batch size of its own', { ...PG, CLICK_BATCH_SIZE: '5000' }, { batchSize: 5_000, bufferMax: 10_000 }],
    ['both set', { CLICK_BATCH_SIZE: '5000', CLICK_BUFFER_MAX: '7000' }, { batchSize: 5_000, bufferMax: 7_000 }],
    [
      'empty variables are unset',
      { ...PG, CLICK_BATCH_SIZE: '', CLICK_BUFFER_MAX: '' },
      { batchSize: 200_000, bufferMax: 400_000 },
    ],
  ])('%s', (_, env, expected) => {
    expect(loadConfig(env).clickWriter).toMatchObject(expected)
  })

  it.each([['0'], ['500001'], ['1.5'], ['many']])('refuses CLICK_BATCH_SIZE=%s, naming it', (value) => {
    expect(() => loadConfig({ CLICK_BATCH_SIZE: value })).toThrow(ConfigError)
    expect(() => loadConfig({ CLICK_BATCH_SIZE: value })).toThrow(/CLICK_BATCH_SIZE/)
  })
})

describe('loadConfig: settings share intents need', () => {
  it('takes FACEBOOK_APP_ID as digits, and leaves it unset by default', () => {
    expect(loadConfig({}).facebookAppId).toBeUndefined()
    expect(loadConfig({ FACEBOOK_APP_ID: '123456789012345' }).facebookAppId).toBe('123456789012345')
  })

  it.each([['abc'], ['12 34'], ['1'.repeat(21)], ['123&redirect_uri=https://evil.example']])(
    'refuses FACEBOOK_APP_ID=%s, naming it',
    (value) => {
      expect(() => loadConfig({ FACEBOOK_APP_ID: value })).toThrow(/FACEBOOK_APP_ID/)
    },
  )
})

describe('loadConfig: the settings table', () => {
  it('puts each variable where the Config has it, with its default, frozen at every level', () => {
    const config = loadConfig({ LINK_CACHE_TTL_MS: '2000', RATE_LIMIT_WIDGET: '7', PORT: '9000' })
    expect(config.linkCache).toEqual({ size: 100_000, ttlMs: 2_000 })
    expect(config.rateLimits).toMatchObject({ windowMs: 60_000, widget: 7 })
    expect(config.publicUrl).toBe('http://localhost:9000')
    expect(Object.isFrozen(config) && Object.isFrozen(config.linkCache) && Object.isFrozen(config.blockedDomains)).toBe(
      true,
    )
  })

  it.each([
    ['LINK_CACHE_TTL_MS', '5'],
    ['RATE_LIMIT_WINDOW_MS', '-1'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses a bad nested or top-level %s, naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`invalid configuration: ${name}:`))
  })
})

describe('loadConfig: WEBHOOK_MAX_LAG_MS', () => {
  it('waits up to 10 s by default; 0 turns the pacing off', () => {
    expect(loadConfig({}).webhooks.maxLagMs).toBe(10_000)
    expect(loadConfig({ WEBHOOK_MAX_LAG_MS: '0' }).webhooks.maxLagMs).toBe(0)
  })

  it.each([['-1'], ['1.5'], ['soon'], ['600001']])('refuses WEBHOOK_MAX_LAG_MS=%s in one line naming it', (value) => {
    expect(() => loadConfig({ WEBHOOK_MAX_LAG_MS: value })).toThrow(
      /^invalid configuration: WEBHOOK_MAX_LAG_MS:[^\n]*$/,
    )
  })
})

describe('loadConfig: TRUST_PROXY', () => {
  it.each([
    ['unset', undefined, false],
    ['false', 'false', false],
    ['0', '0', false],
    ['one proxy in front', '1', 1],
    ['two proxies', '2', 2],
    ['a proxy address', '10.0.0.2', ['10.0.0.2']],
    ['addresses and CIDRs', '10.0.0.0/8, 192.0.2.7 ,fd00::/8', ['10.0.0.0/8', '192.0.2.7', 'fd00::/8']],
    ['proxy-addr names', 'loopback,uniquelocal', ['loopback', 'uniquelocal']],
  ])('%s', (_, value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected)
  })

  it('refuses true with one line saying why, naming TRUST_PROXY', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(ConfigError)
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(
      /^invalid configuration: TRUST_PROXY: true would trust every X-Forwarded-For hop, letting any client pick its own address[^\n]*$/,
    )
  })

  it.each([['yes'], ['10.0.0.0/99'], ['proxy.example'], ['-1']])('refuses TRUST_PROXY=%s, naming it', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY/)
  })
})

describe('loadConfig: ADMIN_API_KEY must be hard to guess', () => {
  it.each([
    ['the test fixture key', 'test-admin-key-0123456789abcdef'],
    ["the README's example key", 'dev-admin-key-0123456789'],
    ['24 characters of 3 classes', 'Xk3vQpL2mR8sT4uV6wY1zA3b'],
    ['32 characters of one class', 'qwertzuiopasdfghjklyxcvbnmqwertz'],
    ['upper case, symbols and digits', 'Q9#2$4%1&8*3!7@5^6(0)2+4'],
  ])('accepts %s', (_, key) => {
    expect(loadConfig({ ADMIN_API_KEY: key }).adminApiKey).toBe(key)
  })

  it.each([
    ['sixteen spaces', ' '.repeat(16), 'whitespace'],
    ['a space inside', 'Xk3vQpL2mR8sT4u V6wY1zA3bC', 'whitespace'],
    ['a tab', 'Xk3vQpL2mR8sT4u\tV6wY1zA3bC', 'whitespace'],
    ['16 characters', 'Xk3vQpL2mR8sT4uV', 'at least 24 characters'],
    ['23 characters', 'Xk3vQpL2mR8sT4uV6wY1zA3', 'at least 24 characters'],
    ['one character repeated', 'a'.repeat(40), 'repeat a character'],
    ['4 in a row', 'Xk3vQpL2mR8sT4uV6wY1zzzzA3bC', 'repeat a character'],
    ['lower-case and digits, 28 characters', 'abcdefghij0123456789klmnopqr', 'mix at least 3'],
    ['a dictionary-style passphrase of one class', 'correcthorsebatterystaple', 'mix at least 3'],
    ['symbols and digits only, 24 characters', '9#2$4%1&8*3!7@5^6(0)2+4=', 'mix at least 3'],
  ])('refuses %s with one line naming ADMIN_API_KEY', (_, key, why) => {
    expect(() => loadConfig({ ADMIN_API_KEY: key })).toThrow(ConfigError)
    expect(() => loadConfig({ ADMIN_API_KEY: key })).toThrow(
      new RegExp(`^invalid configuration: ADMIN_API_KEY: [^\\n]*${why}[^\\n]*$`),
    )
  })
})

describe('loadConfig: SECRET_KEY', () => {
  it('is optional, and taken as given', () => {
    expect(loadConfig({}).secretKey).toBeUndefined()
    expect(loadConfig({ SECRET_KEY: 'k'.repeat(32) }).secretKey).toBe('k'.repeat(32))
  })

  it.each([['k'.repeat(31)], [`${'k'.repeat(20)} ${'k'.repeat(20)}`]])('refuses SECRET_KEY=%s, naming it', (value) => {
    expect(() => loadConfig({ SECRET_KEY: value })).toThrow(/SECRET_KEY/)
  })
})

describe('loadConfig: growth settings', () => {
  it('keeps raw clicks forever and reads from the primary by default', () => {
    expect(loadConfig({}).rawClickRetentionDays).toBeUndefined()
    expect(loadConfig({}).readDatabaseUrl).toBeUndefined()
  })

  it.each([
    ['400d', 400],
    ['7d', 7],
  ])('takes RAW_CLICK_RETENTION=%s as %i days', (value, days) => {
    expect(loadConfig({ RAW_CLICK_RETENTION: value }).rawClickRetentionDays).toBe(days)
  })

  it.each([['400'], ['6d'], ['13m'], ['1.5d'], ['forever']])('refuses RAW_CLICK_RETENTION=%s, naming it', (value) => {
    expect(() => loadConfig({ RAW_CLICK_RETENTION: value })).toThrow(/RAW_CLICK_RETENTION/)
  })

  it('takes READ_DATABASE_URL as a postgres URL only', () => {
    const url = 'postgres://umbra@replica:5432/umbra'
    expect(loadConfig({ ...PG, READ_DATABASE_URL: url }).readDatabaseUrl).toBe(url)
    expect(() => loadConfig({ ...PG, READ_DATABASE_URL: 'mysql://replica/umbra' })).toThrow(/READ_DATABASE_URL/)
    // The embedded database has no replica.
    expect(() => loadConfig({ READ_DATABASE_URL: url })).toThrow(/READ_DATABASE_URL: needs DATABASE_URL/)
  })
})
