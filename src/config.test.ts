import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'

const PG = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/umbra' }

describe('loadConfig: click batches', () => {
  it.each([
    ['embedded database', {}, { batchSize: 20_000, bufferMax: 40_000 }],
    ['real Postgres', PG, { batchSize: 200_000, bufferMax: 400_000 }],
    ['a batch size of its own', { ...PG, CLICK_BATCH_SIZE: '5000' }, { batchSize: 5_000, bufferMax: 10_000 }],
    ['both set', { CLICK_BATCH_SIZE: '5000', CLICK_BUFFER_MAX: '7000' }, { batchSize: 5_000, bufferMax: 7_000 }],
    ['empty variables are unset', { ...PG, CLICK_BATCH_SIZE: '', CLICK_BUFFER_MAX: '' }, { batchSize: 200_000, bufferMax: 400_000 }],
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

  it.each([['abc'], ['12 34'], ['1'.repeat(21)], ['123&redirect_uri=https://evil.example']])('refuses FACEBOOK_APP_ID=%s, naming it', (value) => {
    expect(() => loadConfig({ FACEBOOK_APP_ID: value })).toThrow(/FACEBOOK_APP_ID/)
  })
})

describe('loadConfig: the settings table', () => {
  it('puts each variable where the Config has it, with its default, frozen at every level', () => {
    const config = loadConfig({ LINK_CACHE_TTL_MS: '2000', RATE_LIMIT_WIDGET: '7', PORT: '9000' })
    expect(config.linkCache).toEqual({ size: 100_000, ttlMs: 2_000 })
    expect(config.rateLimits).toMatchObject({ windowMs: 60_000, widget: 7 })
    expect(config.publicUrl).toBe('http://localhost:9000')
    expect(Object.isFrozen(config) && Object.isFrozen(config.linkCache) && Object.isFrozen(config.blockedDomains)).toBe(true)
  })

  it.each([['LINK_CACHE_TTL_MS', '5'], ['RATE_LIMIT_WINDOW_MS', '-1'], ['LOG_LEVEL', 'loud']])('refuses a bad nested or top-level %s, naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`invalid configuration: ${name}:`))
  })
})
