import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../config.ts'
import { loadClassifierExtra } from './classifier-extra.ts'
import { classifyContextFor, createClickClassifier } from './create-click-classifier.ts'

const dir = mkdtempSync(join(tmpdir(), 'umbra-extra-'))
let files = 0
function extraFile(content: unknown): string {
  const path = join(dir, `extra-${files++}.json`)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

const IPHONE_WEBVIEW =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148'
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0'
const EXTRA = {
  inAppBrowsers: [{ token: 'AcmeApp', app: 'acme', name: 'Acme' }],
  previewFetchers: [{ token: 'AcmeChatPreview', app: 'acme_chat' }],
  bots: ['AcmeQA'],
  referrerHosts: [
    { host: 'intranet.example.com', medium: 'social', app: 'intranet' },
    { host: 'portal.example-isp.net/post', medium: 'email' },
    // A deployment may overrule the built-in tables: here a search brand's subdomain is its own webmail.
    { host: 'mail.seznam.cz', medium: 'email', app: 'seznam_email' },
  ],
}

describe('CLASSIFIER_EXTRA', () => {
  const config = loadConfig({ PUBLIC_URL: 'https://sho.rt', CLASSIFIER_EXTRA: extraFile(EXTRA) })
  const classify = createClickClassifier(classifyContextFor(config))
  const plain = createClickClassifier(classifyContextFor(loadConfig({ PUBLIC_URL: 'https://sho.rt' })))

  it.each([
    { ua: `${IPHONE_WEBVIEW} AcmeApp/3.2`, referrer: '', want: { kind: 'human', medium: 'in_app', app: 'acme' } },
    { ua: `${IPHONE_WEBVIEW}AcmeApp/3.2`, referrer: '', want: { kind: 'human', medium: 'in_app', app: 'acme' } },
    {
      ua: 'AcmeChatPreview/1.0 (+https://acme.example/bot)',
      referrer: '',
      want: { kind: 'preview', app: 'acme_chat' },
    },
    { ua: `${FIREFOX} AcmeQA/2.1`, referrer: '', want: { kind: 'bot' } },
    {
      ua: FIREFOX,
      referrer: 'https://intranet.example.com/wiki/x',
      want: { kind: 'human', medium: 'social', app: 'intranet', visibility: 'public' },
    },
    {
      ua: FIREFOX,
      referrer: 'https://portal.example-isp.net/post/inbox',
      want: { kind: 'human', medium: 'email', app: null, visibility: 'dark' },
    },
    { ua: FIREFOX, referrer: 'https://mail.seznam.cz/', want: { kind: 'human', medium: 'email', app: 'seznam_email' } },
  ])('labels $ua from $referrer by the extra entries', ({ ua, referrer, want }) => {
    expect(classify({ ua, referrer })).toMatchObject(want)
    expect(plain({ ua, referrer })).not.toMatchObject(want)
  })

  it('names the extra file in the reason', () => {
    expect(classify({ ua: `${IPHONE_WEBVIEW} AcmeApp/3.2`, referrer: '' }).reason).toBe(
      'Acme in-app browser (CLASSIFIER_EXTRA)',
    )
  })

  it('reads a token as a word: AcmeApp does not match AcmeApplause', () => {
    expect(classify({ ua: `${IPHONE_WEBVIEW} Safari/604.1 AcmeApplause/1`, referrer: '' })).toMatchObject({
      kind: 'human',
      medium: 'direct',
    })
  })

  it('defaults every list to empty', () => {
    expect(loadClassifierExtra(extraFile({ bots: ['X-Robot'] }))).toEqual({
      inAppBrowsers: [],
      previewFetchers: [],
      bots: ['X-Robot'],
      referrerHosts: [],
    })
  })

  it.each([
    { content: '{"bots": [', message: /is not JSON/ },
    {
      content: { inAppBrowsers: [{ token: 'AcmeApp', app: 'Acme App' }] },
      message: /inAppBrowsers\.0\.app: an app id is lower_snake_case/,
    },
    {
      content: { referrerHosts: [{ host: 'https://mail.example.com/', medium: 'email' }] },
      message: /referrerHosts\.0\.host: a host is/,
    },
    {
      content: { referrerHosts: [{ host: 'mail.example.com', medium: 'webmail' }] },
      message: /referrerHosts\.0\.medium/,
    },
    { content: { bots: ['x'] }, message: /bots\.0: a token has at least 2 characters/ },
    { content: { robots: ['X'] }, message: /robots|Unrecognized key/ },
    { content: [], message: /\(top level\)/ },
  ])('refuses a bad file at start with one line naming the variable: $message', ({ content, message }) => {
    const path = extraFile(content)
    const load = () => loadConfig({ CLASSIFIER_EXTRA: path })
    expect(load).toThrow(ConfigError)
    expect(load).toThrow(message)
    expect(load).toThrow(new RegExp(`^invalid configuration: CLASSIFIER_EXTRA: ${path.replace(/[.\\/]/g, '\\$&')}`))
    try {
      load()
    } catch (error) {
      expect((error as Error).message).not.toContain('\n')
    }
  })

  it('refuses a file that is not there', () => {
    expect(() => loadConfig({ CLASSIFIER_EXTRA: join(dir, 'missing.json') })).toThrow(
      /^invalid configuration: CLASSIFIER_EXTRA: cannot read .*missing\.json \(ENOENT\)$/,
    )
  })
})
