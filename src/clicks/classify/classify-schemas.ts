import { z } from 'zod'

// POST /classify's body and answer (classify-routes.ts).
export const ClassifyBody = z
  .strictObject({
    ua: z.string().max(2048).describe('the User-Agent header'),
    referrer: z.string().max(2048).default('').describe('the Referer header; empty when none was sent'),
    headers: z
      .record(z.string().regex(/^[a-z0-9-]{1,64}$/, 'header names are lower-case'), z.string().max(512))
      .optional()
      .describe('other request headers the rules read, e.g. {"x-requested-with": "com.facebook.katana"}'),
  })
  .meta({
    'x-examples': {
      'WhatsApp preview fetch': { value: { ua: 'WhatsApp/2.24.6.77 A' } },
      'Gmail reader': {
        value: {
          ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
          referrer: 'https://mail.google.com/',
        },
      },
      'Android app WebView': {
        value: {
          ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.0.0 Mobile Safari/537.36',
          headers: { 'x-requested-with': 'com.facebook.katana' },
        },
      },
    },
  })

export const ClassifyView = z
  .object({
    kind: z.enum(['human', 'preview', 'bot']),
    medium: z.string().nullable(),
    app: z.string().nullable(),
    visibility: z.enum(['dark', 'public']).nullable(),
    reason: z.string(),
    browser: z.string(),
    os: z.string(),
    device: z.string(),
  })
  .meta({
    examples: [
      {
        kind: 'human',
        medium: 'email',
        app: 'gmail',
        visibility: 'dark',
        reason: 'referrer mail.google.com is webmail',
        browser: 'Chrome',
        os: 'Windows',
        device: 'desktop',
      },
    ],
  })
