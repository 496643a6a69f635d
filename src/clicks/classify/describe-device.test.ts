import { describe, expect, it } from 'vitest'
import { describeDevice } from './describe-device.ts'

describe('describeDevice', () => {
  it.each([
    {
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
      expected: { browser: 'Chrome', os: 'Windows', device: 'desktop' },
    },
    {
      ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Safari/605.1.15',
      expected: { browser: 'Safari', os: 'Mac OS', device: 'desktop' },
    },
    {
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Mobile/15E148 Safari/604.1',
      expected: { browser: 'Mobile Safari', os: 'iOS', device: 'mobile' },
    },
    {
      ua: 'Mozilla/5.0 (iPad; CPU OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1',
      expected: { os: 'iOS', device: 'tablet' },
    },
    {
      ua: 'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36',
      expected: { browser: 'Chrome', os: 'Android', device: 'mobile' },
    },
    {
      ua: 'Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36',
      expected: { os: 'Android', device: 'tablet' },
    },
    {
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 315.0.0.29.109 (iPhone16,1; iOS 17_2_1; fr_FR; fr; scale=3.00; 1179x2556; 554218484)',
      expected: { browser: 'Instagram', os: 'iOS', device: 'mobile' },
    },
    {
      ua: 'Mozilla/5.0 (SMART-TV; Linux; Tizen 7.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/5.0 Chrome/94.0.4606.31 TV Safari/537.36',
      expected: { device: 'smarttv' },
    },
    { ua: 'curl/8.4.0', expected: { browser: 'unknown', os: 'unknown', device: 'unknown' } },
  ])('describes $expected', ({ ua, expected }) => {
    expect(describeDevice(ua)).toMatchObject(expected)
  })
})
