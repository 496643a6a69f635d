import { createHmac, timingSafeEqual } from 'node:crypto'
import * as oidc from 'openid-client'

export type OidcSettings = {
  issuer: string
  clientId: string
  clientSecret: string
  allowedDomains: readonly string[]
  defaultRole: 'admin' | 'editor' | 'viewer'
  groupsClaim: string
  groupRoles: readonly { group: string; role: 'owner' | 'admin' | 'editor' | 'viewer' }[]
}

/** What the browser keeps between leaving for the identity provider and coming back (signed, 10 minutes). */
export type PendingLogin = { state: string; nonce: string; verifier: string; until: number }

const LABEL = 'umbra sso pending login\0'

/** `payload.signature`, HMAC-SHA256 under the server secret: any instance can read what another wrote. */
export function sealPending(pending: PendingLogin, secret: Buffer): string {
  const payload = Buffer.from(JSON.stringify(pending)).toString('base64url')
  return `${payload}.${createHmac('sha256', secret).update(LABEL).update(payload).digest('base64url')}`
}

export function openPending(sealed: string | undefined, secret: Buffer, now = Date.now()): PendingLogin | null {
  const [payload, signature] = (sealed ?? '').split('.')
  if (!payload || !signature) return null
  const expected = createHmac('sha256', secret).update(LABEL).update(payload).digest()
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  const pending = JSON.parse(Buffer.from(payload, 'base64url').toString()) as PendingLogin
  return pending.until > now ? pending : null
}

/** The role a new member gets: the first OIDC_GROUP_ROLES group they are in, else OIDC_DEFAULT_ROLE. */
export function roleFromGroups(settings: Pick<OidcSettings, 'defaultRole' | 'groupRoles'>, groups: unknown) {
  const held = Array.isArray(groups) ? groups.map(String) : typeof groups === 'string' ? [groups] : []
  return settings.groupRoles.find((g) => held.includes(g.group))?.role ?? settings.defaultRole
}

/** Why an email may not sign in with SSO, or null: it must be verified and, if domains are listed, in one of them. */
export function emailRefusal(allowedDomains: readonly string[], email: unknown, verified: unknown): string | null {
  if (typeof email !== 'string' || !email.includes('@')) return 'the identity provider sent no email address'
  if (verified !== true) return 'the identity provider has not verified this email address'
  const domain = email.split('@').pop()?.toLowerCase() ?? ''
  if (allowedDomains.length && !allowedDomains.some((d) => domain === d || domain.endsWith(`.${d}`)))
    return `email addresses at ${domain} may not sign in here`
  return null
}

/** The identity provider, discovered once (lazily, so a provider that is down does not stop Umbra starting). */
export function createOidcClient(settings: OidcSettings, redirectUri: string) {
  let discovered: Promise<oidc.Configuration> | null = null
  const config = () => {
    const insecure = new URL(settings.issuer).protocol === 'http:'
    discovered ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
        execute: insecure ? [oidc.allowInsecureRequests] : [],
      })
      .catch((err) => {
        discovered = null
        throw err
      })
    return discovered
  }
  return {
    async start(): Promise<{ url: string; pending: PendingLogin }> {
      const pending = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        verifier: oidc.randomPKCECodeVerifier(),
        until: Date.now() + 10 * 60_000,
      }
      const url = oidc.buildAuthorizationUrl(await config(), {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      })
      return { url: url.href, pending }
    },
    /** The verified claims of the person coming back (ID token, then userinfo for email and groups). */
    async finish(callbackUrl: URL, pending: PendingLogin): Promise<Record<string, unknown>> {
      const c = await config()
      const tokens = await oidc.authorizationCodeGrant(c, callbackUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
      })
      const claims = tokens.claims()
      if (!claims) throw new Error('the identity provider sent no ID token')
      const info = await oidc.fetchUserInfo(c, tokens.access_token, claims.sub)
      return { ...info, ...claims, iss: claims.iss }
    },
  }
}
