import { z } from 'zod'

// The dashboard's session routes: sign in with an API key, and who is signed in (dashboard-routes.ts).
export const KeySignIn = z.strictObject({
  key: z.string().trim().min(1, 'enter an API key').max(512).describe('a secret API key (umb_…) or ADMIN_API_KEY'),
})
export const PasswordSignIn = z.strictObject({
  email: z.string().trim().min(3, 'enter your email address').max(254),
  password: z.string().min(1, 'enter your password').max(1024),
})
export const SignIn = z
  .union([PasswordSignIn, KeySignIn])
  // x-examples: zod leaves `examples` out of input schemas that transform (trim).
  .meta({
    'x-examples': {
      'a person': { value: { email: 'ada@example.com', password: 'violet-harbour-lamp' } },
      'a secret key': { value: { key: 'umb_Xk3v9QpL2mR8sT4uV6wY1zA3bC5dE7fG9hJ0kL2nP4q' } },
    },
  })

export const SessionView = z
  .object({
    key: z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(['admin', 'secret', 'publishable', 'person']),
      scopes: z.array(z.string()),
    }),
    person: z
      .object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.string() })
      .optional()
      .describe('the signed-in person (absent when signed in with an API key)'),
    expiresAt: z.string(),
  })
  .meta({
    examples: [
      {
        key: {
          id: '12',
          name: 'marketing',
          kind: 'secret',
          scopes: ['links:read', 'links:write', 'stats:read', 'shares:write'],
        },
        expiresAt: '2026-11-29T20:00:00.000Z',
      },
    ],
  })
