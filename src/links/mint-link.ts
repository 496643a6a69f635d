import { Problem } from '../infra/problem.ts'
import { customCodeProblem, generateRandomCode } from './link-code.ts'
import { insertLink, type LinkRow, type NewLink } from './link-repository.ts'
import type { Pool } from '../infra/database.ts'
import { acceptRouting, type RoutingColumns, type RoutingInput } from './link-routing.ts'
import { checkTargetUrl, type UrlPolicy } from './url-policy.ts'

const MAX_RANDOM_ATTEMPTS = 5

/** Checks the target against the URL policy and returns it normalised, or throws a 400 naming `field`. */
export function acceptTargetUrl(raw: string, policy: UrlPolicy, field = 'url'): string {
  const verdict = checkTargetUrl(raw, policy)
  if (!verdict.ok) throw Problem.field(field, verdict.reason)
  return verdict.url
}

/**
 * Creates a link: a custom code is taken as given (409 when used), a random one is drawn again on
 * the rare collision.
 */
export async function mintLink(
  db: Pick<Pool, 'query'>,
  given: Omit<NewLink, 'code' | keyof RoutingColumns> & RoutingInput & { code?: string },
  policy: UrlPolicy,
): Promise<LinkRow> {
  const { rules, deepLinks, inAppEscape, password, maxClicks, fallbackUrl, ...fields } = given
  const url = acceptTargetUrl(fields.url, policy)
  if (fields.expiresAt && Date.parse(fields.expiresAt) <= Date.now())
    throw Problem.field('expiresAt', 'must be in the future')
  const routing = await acceptRouting({ rules, deepLinks, inAppEscape, password, maxClicks, fallbackUrl }, policy)
  const input = { ...fields, ...routing }
  if (input.code !== undefined) {
    const problem = customCodeProblem(input.code)
    if (problem) throw Problem.field('code', problem)
    const row = await insertLink(db, { ...input, url, code: input.code })
    if (!row) throw Problem.conflict(`code "${input.code}" is already taken`, 'code')
    return row
  }
  for (let attempt = 0; attempt < MAX_RANDOM_ATTEMPTS; attempt++) {
    const row = await insertLink(db, { ...input, url, code: generateRandomCode() })
    if (row) return row
  }
  throw new Error(`no free random code after ${MAX_RANDOM_ATTEMPTS} attempts`)
}
