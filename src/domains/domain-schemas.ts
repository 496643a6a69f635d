import { z } from 'zod'

const RedirectTarget = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .nullable()
  .optional()

export const CreateDomain = z
  .strictObject({
    host: z.string().max(300).describe('the host name visitors type, e.g. go.brand.com (no scheme, port or path)'),
    rootRedirect: RedirectTarget.describe('where / on this host sends a visitor (ROOT_REDIRECT when not set)'),
    notFoundUrl: RedirectTarget.describe(
      'where an unknown code on this host sends a visitor (a 404 page when not set)',
    ),
  })
  .meta({
    examples: [{ host: 'go.brand.com', rootRedirect: 'https://brand.com/', notFoundUrl: 'https://brand.com/404' }],
  })
export type CreateDomain = z.infer<typeof CreateDomain>

export const UpdateDomain = z
  .strictObject({
    rootRedirect: RedirectTarget.describe('where / on this host sends a visitor; null: ROOT_REDIRECT'),
    notFoundUrl: RedirectTarget.describe('where an unknown code on this host sends a visitor; null: the 404 page'),
  })
  .meta({ examples: [{ rootRedirect: 'https://brand.com/', notFoundUrl: null }] })
export type UpdateDomain = z.infer<typeof UpdateDomain>

export const DomainParams = z.strictObject({ host: z.string().min(1).max(300) })

export const DomainView = z
  .object({
    host: z.string(),
    default: z.boolean().describe("PUBLIC_URL's host: links without a domain live here; it cannot be deleted"),
    rootRedirect: z.string().nullable(),
    notFoundUrl: z.string().nullable(),
    links: z.number().nullable().describe('links on this domain, disabled ones included (null for the default)'),
    createdAt: z.string().nullable(),
  })
  .meta({
    examples: [
      {
        host: 'go.brand.com',
        default: false,
        rootRedirect: 'https://brand.com/',
        notFoundUrl: null,
        links: 12,
        createdAt: '2026-12-01T08:00:00.000Z',
      },
    ],
  })
export type DomainView = z.infer<typeof DomainView>

export const DomainList = z.object({ items: z.array(DomainView) })
