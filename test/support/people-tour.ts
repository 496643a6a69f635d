import type { FastifyInstance, InjectOptions } from 'fastify'
import { auth } from './test-app.ts'
import { TEST_PASSWORD, uniqueEmail } from './people.ts'

const json = (
  method: InjectOptions['method'],
  url: string,
  payload: object,
  headers: Record<string, string> = auth,
) => ({
  method,
  url,
  payload,
  headers: { ...headers, 'content-type': 'application/json' },
})
const tokenOf = (url: string) => new URL(url).searchParams.get('token')!
const cookieOf = (res: { cookies: { name: string; value: string }[] }) =>
  res.cookies.map((c) => `${c.name}=${c.value}`).join('; ')

/** Routes people use (members API, invitation, password links, profile), each to a success and its refusals. */
export async function peopleTour(app: FastifyInstance): Promise<void> {
  const call = (options: InjectOptions) => app.inject(options)
  const email = uniqueEmail('tour')
  const invited = (await call(json('POST', '/api/v1/members/invitations', { email, role: 'editor' }))).json()
  await call(json('POST', '/api/v1/members/invitations', { email, role: 'emperor' }))
  await call({ url: `/dashboard/invitation?token=${tokenOf(invited.url)}` })
  await call({ url: `/dashboard/invitation?token=${'x'.repeat(43)}` })
  const token = tokenOf(invited.url)
  const noJson = { 'sec-fetch-site': 'same-origin' }
  await call(json('POST', '/dashboard/invitation', { token, password: 'password123' }, noJson))
  const accepted = await call(json('POST', '/dashboard/invitation', { token, password: TEST_PASSWORD }, noJson))
  await call(json('POST', '/dashboard/invitation', { token, password: TEST_PASSWORD }, noJson))
  await call(json('POST', '/api/v1/members/invitations', { email, role: 'editor' }))
  const member = accepted.json().person.id as string
  const cookie = cookieOf(accepted)
  await call({ url: '/dashboard/profile', headers: { cookie } })
  await call({ url: '/dashboard/profile' })
  await call({ url: '/dashboard/profile', headers: { cookie: 'umbra_session=bad' } })
  const change = { currentPassword: TEST_PASSWORD, newPassword: `${TEST_PASSWORD}-new` }
  await call(json('PUT', '/dashboard/profile/password', { ...change, currentPassword: 'not-it-at-all' }, { cookie }))
  await call(json('PUT', '/dashboard/profile/password', change, { cookie }))
  await call({
    method: 'PUT',
    url: '/dashboard/profile/password',
    payload: change,
    headers: { cookie, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
  })
  await call({ url: '/api/v1/members', headers: auth })
  await call(json('PATCH', `/api/v1/members/${member}`, { role: 'viewer' }))
  await call(json('PATCH', '/api/v1/members/999999999', { role: 'viewer' }))
  await call(json('PATCH', `/api/v1/members/${member}`, {}))
  const link = (await call({ method: 'POST', url: `/api/v1/members/${member}/password-link`, headers: auth })).json()
  await call({ method: 'POST', url: '/api/v1/members/999999999/password-link', headers: auth })
  await call(json('POST', '/dashboard/password', { token: tokenOf(link.url), password: 'short' }, noJson))
  const reset = await call(
    json('POST', '/dashboard/password', { token: tokenOf(link.url), password: TEST_PASSWORD }, noJson),
  )
  await call(json('POST', '/dashboard/password', { token: tokenOf(link.url), password: TEST_PASSWORD }, noJson))
  await call({ method: 'DELETE', url: '/dashboard/profile/sessions', headers: { cookie: cookieOf(reset) } })
  await call({ method: 'DELETE', url: '/dashboard/profile/sessions' })
  const spare = (
    await call(json('POST', '/api/v1/members/invitations', { email: uniqueEmail('spare'), role: 'viewer' }))
  ).json()
  await call({ method: 'DELETE', url: `/api/v1/members/invitations/${spare.id}`, headers: auth })
  await call({ method: 'DELETE', url: `/api/v1/members/invitations/${spare.id}`, headers: auth })
  await call({ method: 'DELETE', url: `/api/v1/members/${member}`, headers: auth })
  await call({ method: 'DELETE', url: `/api/v1/members/${member}`, headers: auth })
  await call({ url: '/dashboard/sign-in-options' })
  await call({ url: '/api/v1/audit?entity=member&limit=5', headers: auth })
  await call({ url: '/api/v1/audit?format=csv', headers: auth })
  await call({ url: '/api/v1/audit?from=yesterday', headers: auth })
  await call({ url: '/api/v1/history/link/docs-tour', headers: auth })
  await call({ url: '/api/v1/history/domain/x', headers: auth })
  await call(json('POST', '/dashboard/setup', { token: 'x'.repeat(43), email, password: TEST_PASSWORD }, noJson))
  await call(json('POST', '/dashboard/setup', { token: 'x'.repeat(43), email, password: 'short' }, noJson))
}

/** First-run setup on a server without accounts: the token from the log creates the owner, once. */
export async function setupTour(app: FastifyInstance): Promise<void> {
  await app.ready()
  const token = tokenOf(app.people.setupUrl()!)
  const body = { token, email: uniqueEmail('owner'), password: TEST_PASSWORD }
  await app.inject(json('POST', '/dashboard/setup', body, { 'sec-fetch-site': 'same-origin' }))
  await app.inject(json('POST', '/dashboard/setup', body, { 'sec-fetch-site': 'same-origin' }))
}
