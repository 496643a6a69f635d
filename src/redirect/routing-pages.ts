import { createHash } from 'node:crypto'
import type { DeepLinks } from '../links/link-routing-schemas.ts'

// The small pages a routed link answers instead of a 302: the password form, the way out of an in-app
// browser, and the app opener. Text and escaped attributes only; the one script is constant and allowed by
// its hash, so the Content-Security-Policy needs no 'unsafe-inline' for scripts.

/** Follows the link marked data-auto; after 1.5 s, if the page is still in front, the one marked data-fallback. */
const SCRIPT = `const a=document.querySelector('a[data-auto]');const f=document.querySelector('a[data-fallback]');\
if(a){location.href=a.href;if(f)setTimeout(()=>{if(!document.hidden)location.replace(f.href)},1500)}`
const SCRIPT_HASH = `'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'`

const CSP_BASE = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"
/** The escape and app pages: the hashed script, no forms. */
export const SCRIPTED_PAGE_CSP = `${CSP_BASE}; script-src ${SCRIPT_HASH}; form-action 'none'`
// A form's redirect is checked against form-action too, and the password form's redirect leaves for the target.
export const FORM_PAGE_CSP = `${CSP_BASE}; form-action 'self' https: http:`

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c)

const STYLE = `body{font:17px/1.5 system-ui,sans-serif;max-width:30rem;margin:12vh auto;padding:0 1.2rem;color:#222}
h1{font-size:1.35rem}a.button,button{display:block;box-sizing:border-box;width:100%;margin:.8rem 0;padding:.8rem 1rem;
border:0;border-radius:.5rem;background:#1d4ed8;color:#fff;font:inherit;text-align:center;text-decoration:none}
a.plain{color:#1d4ed8;word-break:break-all}input{box-sizing:border-box;width:100%;padding:.7rem;font:inherit;
border:1px solid #888;border-radius:.4rem}.error{color:#b91c1c}.note{color:#555;font-size:.9rem}`

const page = (title: string, body: string, script: boolean) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head><body>${body}${script ? `<script>${SCRIPT}</script>` : ''}</body></html>`

/** The password form; `wrong` after a wrong password (answered 401). */
export const passwordPage = (wrong: boolean) =>
  page(
    'Password required',
    `<h1>This link is protected</h1><form method="post"><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
${wrong ? '<p class="error" role="alert">That password is not right. Try again.</p>' : ''}
<button type="submit">Continue</button></form>`,
    false,
  )

/** An `intent:` URL that asks Android to open an https target in a browser app (the default one, or a chooser). */
export function browserIntent(url: string): string {
  const u = new URL(url)
  const scheme = u.protocol.slice(0, -1)
  return `intent://${u.host}${u.pathname}${u.search}${u.hash}#Intent;scheme=${scheme};S.browser_fallback_url=${encodeURIComponent(url)};end`
}

/**
 * The way out of an in-app browser. Android: the page opens an `intent:` URL at once, which the system hands
 * to the default browser. iOS lets no page leave an app's web view: `x-safari-https://` opens Safari from
 * iOS 17 in some apps' web views, otherwise the visitor chooses "Open in browser" from the app's menu.
 */
export function escapePage(url: string, os: string | null): string {
  const plain = `<p class="note">Or continue here: <a class="plain" href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`
  if (os === 'Android')
    return page(
      'Opening in your browser',
      `<h1>Opening in your browser…</h1>
<a class="button" data-auto href="${escapeHtml(browserIntent(url))}">Open in browser</a>${plain}`,
      true,
    )
  const safari = url.replace(/^http(s?):/, 'x-safari-http$1:')
  return page(
    'Open in your browser',
    `<h1>Open this link in your browser</h1>
${os === 'iOS' ? `<a class="button" href="${escapeHtml(safari)}">Open in Safari</a>` : ''}
<p class="note">If nothing happens, tap the app's menu (••• or the share icon) and choose “Open in browser”.</p>${plain}`,
    false,
  )
}

/** An Android app URL (custom scheme) as an `intent:` URL: the app if installed, else the fallback. */
function appIntent(app: NonNullable<DeepLinks['android']>): string {
  const colon = app.url.indexOf(':')
  const scheme = app.url.slice(0, colon)
  const rest = app.url.slice(colon + 1).replace(/^\/\//, '')
  const pkg = app.package ? `package=${app.package};` : ''
  return `intent://${rest}#Intent;scheme=${scheme};${pkg}S.browser_fallback_url=${encodeURIComponent(app.fallbackUrl)};end`
}

const isWebUrl = (url: string) => /^https?:/i.test(url)

/**
 * Where an app target sends a click: an https app link is redirected to (the system opens the app when it
 * claims the link); a custom scheme gets a page that opens the app and, on iOS, goes on to the fallback
 * (the App Store page) when the app did not take over; on Android the `intent:` URL carries the fallback.
 */
export function appAnswer(os: 'iOS' | 'Android', deep: DeepLinks, webUrl: string): string | { html: string } | null {
  const app = os === 'iOS' ? deep.ios : deep.android
  if (!app) return null
  if (isWebUrl(app.url)) return app.url
  const open = os === 'Android' && deep.android ? appIntent(deep.android) : app.url
  const fallback =
    os === 'iOS' ? `<a class="plain" data-fallback href="${escapeHtml(app.fallbackUrl)}">Get the app</a>` : ''
  return {
    html: page(
      'Opening the app',
      `<h1>Opening the app…</h1><a class="button" data-auto href="${escapeHtml(open)}">Open in the app</a>
<p class="note">${fallback ? `${fallback} · ` : ''}<a class="plain" href="${escapeHtml(webUrl)}">Continue on the web</a></p>`,
      true,
    ),
  }
}
