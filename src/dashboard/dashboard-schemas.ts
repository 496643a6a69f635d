import { z } from 'zod'

// The dashboard's session routes: sign in with an API key, and who is signed in (dashboard-routes.ts).
export const SignIn = z
  .strictObject({
    key: z.string().trim().min(1, 'enter an API key').max(512).describe('a secret API key (umb_…) or ADMIN_API_KEY'),
  })
  // x-examples: zod leaves `examples` out of input schemas that transform (trim).
  .meta({ 'x-examples': { 'a secret key': { value: { key: 'umb_Xk3v9QpL2mR8sT4uV6wY1zA3bC5dE7fG9hJ0kL2nP4q' } } } })

export const SessionView = z
  .object({
    key: z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(['admin', 'secret', 'publishable']),
      scopes: z.array(z.string()),
    }),
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
