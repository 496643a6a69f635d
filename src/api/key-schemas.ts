import { z } from 'zod'
import { RowId } from '../infra/id-cursor.ts'
import { pageLimit } from '../infra/page-limit.ts'
import { UNSAFE_TEXT_CHARS, UNSAFE_TEXT_MESSAGE } from '../links/unsafe-text.ts'
import { SCOPES } from './principal.ts'

export const ScopeName = z.enum(SCOPES)

export const CreateKey = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine((s) => !UNSAFE_TEXT_CHARS.test(s), UNSAFE_TEXT_MESSAGE)
      .describe('what the key is for, e.g. "cms"'),
    kind: z
      .enum(['secret', 'publishable'])
      .default('secret')
      .describe('publishable (pk_…) keys are for the share widget in web pages'),
    scopes: z
      .array(ScopeName)
      .min(1)
      .max(SCOPES.length)
      .optional()
      .describe('required for secret keys; publishable keys only get shares:write'),
    origins: z
      .array(z.string().max(300))
      .min(1)
      .max(20)
      .optional()
      .describe('publishable keys only: the https://host[:port] origins allowed to use it'),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .meta({
    examples: [
      { name: 'cms', scopes: ['links:write', 'stats:read'], expiresAt: '2027-01-01T00:00:00Z' },
      { name: 'blog widget', kind: 'publishable', origins: ['https://blog.example'] },
    ],
  })
export type CreateKey = z.infer<typeof CreateKey>

const KEY_EXAMPLE = {
  id: '12',
  kind: 'secret',
  name: 'cms',
  prefix: 'umb_Xk3v9QpL',
  scopes: ['links:write', 'stats:read'],
  origins: [],
  createdAt: '2026-11-29T08:00:00.000Z',
  expiresAt: '2027-01-01T00:00:00.000Z',
  revokedAt: null,
  lastUsedAt: '2026-11-29T09:14:00.000Z',
  createdBy: 'ada@example.com',
}

export const KeyView = z
  .object({
    id: z.string(),
    kind: z.enum(['secret', 'publishable']),
    name: z.string(),
    prefix: z.string().describe('the start of the secret, to recognise the key'),
    scopes: z.array(ScopeName),
    origins: z.array(z.string()),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z
      .string()
      .nullable()
      .describe(
        'when a request made with this key last succeeded, to within KEY_USAGE_FLUSH_MS (a minute by default); null if never',
      ),
    createdBy: z.string().nullable().describe('the email of the person who created the key; null: the CLI or a key'),
  })
  .meta({ examples: [KEY_EXAMPLE] })

export const CreatedKey = KeyView.extend({
  secret: z.string().describe('the key itself: shown this once, never again'),
}).meta({
  examples: [{ ...KEY_EXAMPLE, secret: 'umb_Xk3v9QpLr2m8Hc0sV1yTnB5dWq7eJf4aGu6iKz3oP1c' }],
})

export const KeyList = z.object({ items: z.array(KeyView), nextCursor: z.string().nullable() })

export const ListKeysQuery = z.strictObject({
  limit: pageLimit(50),
  cursor: z.string().max(64).optional(),
  includeRevoked: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
})

export const KeyParams = z.strictObject({ id: RowId('a key id such as 12') })
