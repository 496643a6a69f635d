// TEMPORARY placeholder written by the core author so the app runs while the classifier is built; the classifier replaces this file.
import { isbot } from 'isbot'
import type { ClassifyContext, ClickInput, DescribedClassification } from './classification.ts'

export function createClickClassifier(context: ClassifyContext, _opts: { cacheSize?: number } = {}) {
  return (input: ClickInput): DescribedClassification => {
    const device = { browser: 'unknown', os: 'unknown', device: /iPhone|Android/.test(input.ua) ? 'mobile' : 'desktop' }
    if (/^WhatsApp\//.test(input.ua)) return { kind: 'preview', medium: null, app: 'whatsapp', visibility: null, reason: 'WhatsApp preview', ...device }
    if (isbot(input.ua)) return { kind: 'bot', medium: null, app: null, visibility: null, reason: 'bot', ...device }
    if (/Instagram/.test(input.ua)) return { kind: 'human', medium: 'in_app', app: 'instagram', visibility: 'dark', reason: 'Instagram in-app browser', ...device }
    if (!input.referrer) return { kind: 'human', medium: 'direct', app: null, visibility: 'dark', reason: 'no referrer', ...device }
    const host = new URL(input.referrer).hostname
    if (context.ownHosts.includes(host)) return { kind: 'human', medium: 'internal', app: null, visibility: 'public', reason: 'own', ...device }
    if (host === 'mail.google.com') return { kind: 'human', medium: 'email', app: 'gmail', visibility: 'dark', reason: 'webmail', ...device }
    if (/google\./.test(host)) return { kind: 'human', medium: 'search', app: 'google', visibility: 'public', reason: 'search', ...device }
    return { kind: 'human', medium: 'referral', app: null, visibility: 'public', reason: 'referral', ...device }
  }
}
