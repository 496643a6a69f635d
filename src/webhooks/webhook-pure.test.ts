import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { isPublicAddress } from './public-address.ts'
import { retryDelayMs } from './retry-delay.ts'
import { targetUrlProblem } from './webhook-post.ts'
import { createSecretBox, newWebhookSecret } from './webhook-secret.ts'
import { signedHeaders } from './webhook-signature.ts'

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true],
    ['1.1.1.1', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['127.255.0.9', false],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['172.32.0.1', true],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['::', false],
    ['::1', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['ff02::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['::ffff:8.8.8.8', true],
    ['not-an-ip', false],
  ])('%s → %s', (address, expected) => expect(isPublicAddress(address)).toBe(expected))
})

describe('targetUrlProblem', () => {
  it.each([
    ['https://hooks.example.com/x', false, null],
    ['http://hooks.example.com/x', false, /must be https/],
    ['http://hooks.example.com/x', true, null],
    ['https://127.0.0.1/x', false, /public address/],
    ['https://[::1]/x', false, /public address/],
    ['https://127.0.0.1/x', true, null],
    ['https://user:pw@hooks.example.com/', false, /credentials/],
    ['ftp://hooks.example.com/', true, /http or https/],
    ['nope', false, /absolute URL/],
  ])('%s (allow private: %s)', (url, allowPrivate, expected) => {
    const problem = targetUrlProblem(url, allowPrivate)
    if (expected === null) expect(problem).toBeNull()
    else expect(problem).toMatch(expected)
  })
})

describe('retryDelayMs', () => {
  it.each([
    [1, 0, 500],
    [1, 0.999, 1499],
    [2, 0.5, 2000],
    [5, 0.5, 16_000],
    [30, 0.5, 60_000],
  ])('attempt %i with random %f → %i ms (base 1 s, cap 60 s)', (attempt, random, expected) =>
    expect(retryDelayMs(attempt, 1000, 60_000, () => random)).toBe(expected),
  )

  it('retries for more than 24 h before a 72 h window disables (default settings, worst jitter)', () => {
    let total = 0
    for (let attempt = 1; total < 24 * 3_600_000; attempt++) total += retryDelayMs(attempt, 5_000, 3_600_000, () => 0)
    expect(total).toBeGreaterThanOrEqual(24 * 3_600_000)
  })
})

describe('signing', () => {
  it('signs as the reference library verifies, and not with another secret', () => {
    const secret = newWebhookSecret()
    const body = JSON.stringify({ type: 'click', timestamp: new Date().toISOString(), data: { clicks: [] } })
    const headers = signedHeaders(secret, 'msg_42', Math.floor(Date.now() / 1000), body)
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ type: 'click' })
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow()
  })

  it('seals a secret so only the same server secret opens it', () => {
    const box = createSecretBox(Buffer.from('a'.repeat(64)))
    const secret = newWebhookSecret()
    const sealed = box.seal(secret)
    expect(box.open(sealed)).toBe(secret)
    expect(() => createSecretBox(Buffer.from('b'.repeat(64))).open(sealed)).toThrow()
  })
})

describe("the README's verification snippet", () => {
  it('accepts what Umbra signs and refuses a changed body, an old timestamp or another secret', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const snippet = /these lines of Node:\n\n```js\n([\s\S]*?)\n```/.exec(readme)?.[1]
    expect(snippet).toBeDefined()
    const dir = mkdtempSync(join(tmpdir(), 'umbra-snippet-'))
    try {
      writeFileSync(join(dir, 'verify.mjs'), snippet ?? '')
      const { verifyUmbraWebhook } = await import(join(dir, 'verify.mjs'))
      const secret = newWebhookSecret()
      const body = JSON.stringify({ type: 'conversion', timestamp: new Date().toISOString(), data: { event: 'sale' } })
      const now = Math.floor(Date.now() / 1000)
      expect(verifyUmbraWebhook(secret, signedHeaders(secret, 'msg_1', now, body), body)).toBe(true)
      // The reference library signs the same way the snippet checks.
      const reference = new Webhook(secret).sign('msg_2', new Date(now * 1000), body).split(' ')[0]
      const headers = { 'webhook-id': 'msg_2', 'webhook-timestamp': String(now), 'webhook-signature': reference }
      expect(verifyUmbraWebhook(secret, headers, body)).toBe(true)
      expect(verifyUmbraWebhook(secret, signedHeaders(secret, 'msg_1', now, body), `${body} `)).toBe(false)
      expect(verifyUmbraWebhook(secret, signedHeaders(secret, 'msg_1', now - 3600, body), body)).toBe(false)
      expect(verifyUmbraWebhook(newWebhookSecret(), signedHeaders(secret, 'msg_1', now, body), body)).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
