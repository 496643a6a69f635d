import { describe, expect, it } from 'vitest'
import { compileRules, type LinkRule, type RuleFacts, ruleFor } from './link-rules.ts'

const iphone: RuleFacts = { os: 'iOS', device: 'mobile', app: 'instagram', language: 'fr-ch', country: 'CH' }
const ipad: RuleFacts = { os: 'iOS', device: 'tablet', app: null, language: 'de', country: 'DE' }
const pixel: RuleFacts = { os: 'Android', device: 'mobile', app: 'whatsapp', language: 'fr', country: 'FR' }
const mac: RuleFacts = { os: 'Mac OS', device: 'desktop', app: null, language: 'en-us', country: 'US' }
const unknown: RuleFacts = { os: null, device: null, app: null, language: null, country: null }

const one = (cond: LinkRule['if']) => compileRules([{ if: cond, url: 'https://example.com/rule' }])

describe('ruleFor: each condition', () => {
  it.each<[string, LinkRule['if'], RuleFacts, number]>([
    ['device ios: iPhone', { device: 'ios' }, iphone, 1],
    ['device ios: iPad', { device: 'ios' }, ipad, 1],
    ['device ios: Android', { device: 'ios' }, pixel, 0],
    ['device android: Android', { device: 'android' }, pixel, 1],
    ['device android: iPhone', { device: 'android' }, iphone, 0],
    ['device mobile: phone', { device: 'mobile' }, pixel, 1],
    ['device mobile: tablet', { device: 'mobile' }, ipad, 1],
    ['device mobile: desktop', { device: 'mobile' }, mac, 0],
    ['device desktop: Mac', { device: 'desktop' }, mac, 1],
    ['device desktop: phone', { device: 'desktop' }, iphone, 0],
    ['device: nothing known', { device: 'desktop' }, unknown, 0],
    ['os, any case', { os: ['mac os', 'Windows'] }, mac, 1],
    ['os not listed', { os: ['Windows'] }, mac, 0],
    ['os unknown', { os: ['Windows'] }, unknown, 0],
    ['country listed, any case', { country: ['fr', 'BE'] }, pixel, 1],
    ['country not listed', { country: ['FR', 'BE'] }, mac, 0],
    ['country unknown', { country: ['FR'] }, unknown, 0],
    ['language: primary tag matches a region', { language: ['fr'] }, iphone, 1],
    ['language: primary tag matches itself', { language: ['fr'] }, pixel, 1],
    ['language: region tag matches only itself', { language: ['fr-ch'] }, pixel, 0],
    ['language: region tag', { language: ['FR-CH'] }, iphone, 1],
    ['language: other', { language: ['fr'] }, mac, 0],
    ['language unknown', { language: ['fr'] }, unknown, 0],
    ['app listed', { app: ['Instagram', 'facebook'] }, iphone, 1],
    ['app not listed', { app: ['facebook'] }, iphone, 0],
    ['app unknown', { app: ['instagram'] }, mac, 0],
    ['no condition at all matches everything', {}, unknown, 1],
  ])('%s', (_, cond, facts, expected) => {
    expect(ruleFor(one(cond), facts)).toBe(expected)
  })

  it('ANDs the conditions of one rule', () => {
    const rule = one({ device: 'ios', country: ['CH'], language: ['fr'], app: ['instagram'], os: ['iOS'] })
    expect(ruleFor(rule, iphone)).toBe(1)
    for (const miss of [
      { ...iphone, country: 'FR' },
      { ...iphone, language: 'de' },
      { ...iphone, app: 'facebook' },
      { ...iphone, os: 'Android' },
    ])
      expect(ruleFor(rule, miss)).toBe(0)
  })
})

describe('ruleFor: order', () => {
  const rules = compileRules([
    { if: { device: 'ios' }, url: 'https://apps.apple.com/app/1' },
    { if: { app: ['instagram', 'whatsapp'] }, url: 'https://example.com/social' },
    { if: { language: ['fr'] }, url: 'https://example.com/fr' },
    { if: { device: 'mobile' }, url: 'https://example.com/m' },
  ])
  it.each<[string, RuleFacts, number]>([
    ['the first match wins over later ones', iphone, 1],
    ['the second when the first does not hold', pixel, 2],
    ['a later rule when the earlier do not hold', { ...pixel, app: null }, 3],
    ['the last one', { ...pixel, app: null, language: 'de' }, 4],
    ['no match: 0, the link url', mac, 0],
    ['nothing known: no match', unknown, 0],
  ])('%s', (_, facts, expected) => {
    expect(ruleFor(rules, facts)).toBe(expected)
  })
  it('no rules: no match', () => {
    expect(ruleFor([], iphone)).toBe(0)
  })
})
