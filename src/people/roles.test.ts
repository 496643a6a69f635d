import { describe, expect, it } from 'vitest'
import { SCOPES } from '../api/principal.ts'
import { memberChangeRefusal, ROLE_SCOPES, ROLES, scopesBeyond, type Role } from './roles.ts'

describe('roles', () => {
  it('owners hold every scope; each role holds no more than the one above it', () => {
    expect([...ROLE_SCOPES.owner].sort()).toEqual([...SCOPES].sort())
    for (let i = 1; i < ROLES.length; i++)
      expect(scopesBeyond(ROLE_SCOPES[ROLES[i - 1]], ROLE_SCOPES[ROLES[i]])).toEqual([])
    expect(ROLE_SCOPES.viewer).not.toContain('links:write')
    expect(ROLE_SCOPES.editor).not.toContain('keys:admin')
  })

  const cases: [Role, Role | null, Role | undefined, boolean][] = [
    ['owner', 'owner', 'viewer', true],
    ['owner', null, 'owner', true],
    ['admin', 'editor', 'admin', true],
    ['admin', 'owner', undefined, false],
    ['admin', 'viewer', 'owner', false],
    ['admin', null, 'owner', false],
    ['editor', 'viewer', 'viewer', false],
    ['viewer', null, 'viewer', false],
  ]
  it.each(cases)('%s changing a %s to %s: allowed %s', (actor, target, to, allowed) => {
    expect(memberChangeRefusal(actor, target, to) === null).toBe(allowed)
  })
})
