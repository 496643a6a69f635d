import { z } from 'zod'
import { PASSWORD_MAX } from './passwords.ts'
import { ROLES } from './roles.ts'

// Lengths are checked here; strength (length, commonest passwords) in passwords.ts, so the answer names the field.
const Password = z
  .string()
  .min(1, 'enter a password')
  .max(PASSWORD_MAX * 4)
const Token = z.string().min(1).max(100).describe('the single-use token from the link')
const Email = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address')
const Name = z.string().trim().max(100)
export const RoleName = z.enum(ROLES)

export const SetupBody = z
  .strictObject({ token: Token, email: Email, password: Password, name: Name.optional() })
  .meta({
    'x-examples': {
      'the owner': {
        value: {
          token: 'Qm3vX9pL2mR8sT4uV6wY1zA3bC5dE7fG9hJ0kL2nP4q',
          email: 'ada@example.com',
          password: 'violet-harbour-lamp',
          name: 'Ada',
        },
      },
    },
  })
export const InvitationQuery = z.strictObject({ token: Token })
export const AcceptInvitation = z.strictObject({ token: Token, password: Password, name: Name.optional() }).meta({
  'x-examples': {
    joining: {
      value: { token: 'Qm3vX9pL2mR8sT4uV6wY1zA3bC5dE7fG9hJ0kL2nP4q', password: 'violet-harbour-lamp', name: 'Ben' },
    },
  },
})
export const SetPassword = z.strictObject({ token: Token, password: Password }).meta({
  'x-examples': {
    'a new password': {
      value: { token: 'Qm3vX9pL2mR8sT4uV6wY1zA3bC5dE7fG9hJ0kL2nP4q', password: 'violet-harbour-lamp' },
    },
  },
})
export const ChangePassword = z.strictObject({ currentPassword: Password, newPassword: Password }).meta({
  'x-examples': {
    'a change': { value: { currentPassword: 'violet-harbour-lamp', newPassword: 'lantern-orchard-quiet-9' } },
  },
})

export const PersonView = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: RoleName,
    status: z.enum(['active', 'suspended', 'pending']).describe('pending: no password or SSO sign-in yet'),
    sso: z.boolean().describe('signs in with single sign-on'),
    createdAt: z.string(),
  })
  .meta({
    examples: [
      {
        id: '2',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'editor',
        status: 'active',
        sso: false,
        createdAt: '2026-12-01T09:00:00.000Z',
      },
    ],
  })

/** What a sign-in, setup or invitation acceptance answers: the person now signed in. */
export const SignedIn = z.object({ person: PersonView, expiresAt: z.string() })

export const InvitationDetails = z.object({ email: z.string(), role: RoleName, expiresAt: z.string() })

export const SessionItem = z.object({
  id: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  current: z.boolean().describe('the session of this browser'),
})
export const Profile = z.object({ person: PersonView, sessions: z.array(SessionItem) })

export const SignInOptions = z.object({
  sso: z.boolean().describe('single sign-on is set up: GET /dashboard/sso/start begins it'),
  setup: z.boolean().describe('no account exists yet: open the setup URL from the server log'),
})

// The members API (/api/v1/members, scope members:admin).
export const InviteBody = z
  .strictObject({ email: Email, role: RoleName })
  .meta({ 'x-examples': { 'an editor': { value: { email: 'ben@example.com', role: 'editor' } } } })
export const InvitationView = z.object({
  id: z.string(),
  email: z.string(),
  role: RoleName,
  expiresAt: z.string(),
  invitedBy: z.string().nullable(),
})
export const CreatedInvitation = InvitationView.extend({
  url: z.string().describe('the single-use link, shown this once: pass it on'),
  emailed: z.boolean().describe('also sent by mail (SMTP_URL is set and the server took it)'),
})
export const MemberList = z.object({ members: z.array(PersonView), invitations: z.array(InvitationView) })
export const MemberParams = z.strictObject({ id: z.string().regex(/^[1-9]\d{0,18}$/, 'must be a member id') })
export const MemberPatch = z
  .strictObject({ role: RoleName.optional(), suspended: z.boolean().optional() })
  .refine((p) => p.role !== undefined || p.suspended !== undefined, 'name a role or suspended')
  .meta({ 'x-examples': { 'make a viewer an editor': { value: { role: 'editor' } } } })
export const PasswordLink = z.object({
  url: z.string().describe('a single-use link to set a new password, valid 24 hours'),
  expiresAt: z.string(),
  emailed: z.boolean(),
})
