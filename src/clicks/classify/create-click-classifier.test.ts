import { describe, expect, it } from 'vitest'
import { createClickClassifier } from './create-click-classifier.ts'

const INSTAGRAM =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 315.0.0.29.109 (iPhone16,1; iOS 17_2_1; fr_FR; fr; scale=3.00; 1179x2556; 554218484)'
const CHROME_ANDROID =
  'Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Mobile Safari/537.36'

describe('createClickClassifier', () => {
  it('adds the device description to the classification', () => {
    const classify = createClickClassifier({ ownHosts: ['sho.rt'] })
    expect(classify({ ua: INSTAGRAM, referrer: '' })).toEqual({
      kind: 'human',
      medium: 'in_app',
      app: 'instagram',
      visibility: 'dark',
      reason: 'Instagram in-app browser',
      browser: 'Instagram',
      os: 'iOS',
      device: 'mobile',
    })
  })

  it('returns the same frozen verdict for a repeated click', () => {
    const classify = createClickClassifier({ ownHosts: ['sho.rt'] })
    const first = classify({ ua: INSTAGRAM, referrer: 'https://l.instagram.com/' })
    expect(classify({ ua: INSTAGRAM, referrer: 'https://l.instagram.com/' })).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
  })

  it('keys the memo on referrer and X-Requested-With too', () => {
    const classify = createClickClassifier({ ownHosts: ['sho.rt'] })
    expect(classify({ ua: CHROME_ANDROID, referrer: '' }).medium).toBe('direct')
    expect(classify({ ua: CHROME_ANDROID, referrer: 'https://mail.google.com/' }).medium).toBe('email')
    expect(classify({ ua: CHROME_ANDROID, referrer: '', requestedWith: 'com.facebook.orca' })).toMatchObject({
      medium: 'in_app',
      app: 'messenger',
    })
  })

  it('stays correct when the cache is smaller than the traffic', () => {
    const classify = createClickClassifier({ ownHosts: ['sho.rt'] }, { cacheSize: 2 })
    const referrers = ['', 'https://t.co/x', 'https://mail.google.com/', 'https://sho.rt/', 'https://www.bing.com/']
    const media = [...referrers, ...referrers].map((referrer) => classify({ ua: CHROME_ANDROID, referrer }).medium)
    expect(media).toEqual([
      'direct',
      'social',
      'email',
      'internal',
      'search',
      'direct',
      'social',
      'email',
      'internal',
      'search',
    ])
  })

  it('recognises our own host when PUBLIC_URL carries a port', () => {
    const classify = createClickClassifier({ ownHosts: ['localhost:8080'] })
    expect(classify({ ua: CHROME_ANDROID, referrer: 'http://localhost:8080/abc' }).medium).toBe('internal')
  })

  it('describes no device for robots', () => {
    const classify = createClickClassifier({ ownHosts: [] })
    expect(classify({ ua: 'WhatsApp/2.24.6.77 A', referrer: '' })).toMatchObject({ kind: 'preview', device: 'bot' })
  })
})
