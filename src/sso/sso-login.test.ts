import { describe, expect, it } from 'vitest'
import { emailRefusal, openPending, roleFromGroups, sealPending } from './sso-login.ts'

describe('single sign-on rules', () => {
  const settings = {
    defaultRole: 'viewer' as const,
    groupRoles: [
      { group: 'leads', role: 'admin' as const },
      { group: 'marketing', role: 'editor' as const },
    ],
  }
  it.each([
    [['marketing', 'leads'], 'admin'],
    [['marketing'], 'editor'],
    ['marketing', 'editor'],
    [['staff'], 'viewer'],
    [undefined, 'viewer'],
  ])('groups %j → %s', (groups, role) => expect(roleFromGroups(settings, groups)).toBe(role))

  it.each([
    [['corp.example'], 'ada@corp.example', true, null],
    [['corp.example'], 'ada@eu.corp.example', true, null],
    [['corp.example'], 'ada@notcorp.example', true, 'email addresses at notcorp.example may not sign in here'],
    [[], 'ada@anything.example', true, null],
    [[], 'ada@anything.example', false, 'the identity provider has not verified this email address'],
    [[], undefined, true, 'the identity provider sent no email address'],
  ])('domains %j, %s verified %s → %s', (domains, email, verified, refusal) =>
    expect(emailRefusal(domains, email, verified)).toBe(refusal),
  )

  it('keeps the pending login only as signed, and only for its ten minutes', () => {
    const secret = Buffer.alloc(32, 7)
    const pending = { state: 's', nonce: 'n', verifier: 'v', until: 2_000 }
    const sealed = sealPending(pending, secret)
    expect(openPending(sealed, secret, 1_000)).toEqual(pending)
    expect(openPending(sealed, secret, 2_000)).toBeNull()
    expect(openPending(sealed, Buffer.alloc(32, 8), 1_000)).toBeNull()
    expect(openPending(`${sealed.split('.')[0]}x.${sealed.split('.')[1]}`, secret, 1_000)).toBeNull()
    expect(openPending(undefined, secret, 1_000)).toBeNull()
  })
})
