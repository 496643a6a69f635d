import { ApiError, whenSessionLost } from './api.js'
import { h } from './element.js'
import { channelsPage } from './pages/channels-page.js'
import { contentPage } from './pages/content-page.js'
import { linkPage } from './pages/link-page.js'
import { linksPage } from './pages/links-page.js'
import { auditPage, keysPage, membersPage, profilePage } from './pages/people-pages.js'
import { signInPage } from './pages/sign-in-page.js'
import { invitationPage, passwordPage, setupPage } from './pages/token-pages.js'
import { topicPage } from './pages/topic-page.js'
import { topicsPage } from './pages/topics-page.js'
import { BASE, createRouter } from './router.js'
import { can, currentSession, loadSession, signOut } from './session.js'

const main = /** @type {HTMLElement} */ (document.getElementById('main'))
const topbar = /** @type {HTMLElement} */ (document.getElementById('topbar'))
const who = /** @type {HTMLElement} */ (document.getElementById('who'))
const profileLink = /** @type {HTMLElement} */ (document.getElementById('profile-link'))
const signOutButton = /** @type {HTMLButtonElement} */ (document.getElementById('sign-out'))

/** Where to go back to after signing in. */
let returnTo = ''

const router = createRouter({
  main,
  routes: [
    { path: /^$/, title: 'Links & kits', render: linksPage },
    { path: /^links\/([^/]+)$/, title: ([code]) => `Link ${code}`, render: linkPage },
    { path: /^content\/([^/]+)$/, title: 'Content', render: contentPage },
    { path: /^topics$/, title: 'Topics', render: topicsPage },
    { path: /^topics\/([^/]+)$/, title: ([topic]) => `Topic ${topic}`, render: topicPage },
    { path: /^channels$/, title: 'Channels', render: channelsPage },
    { path: /^sign-in$/, title: 'Sign in', render: (view) => signInPage(view, { onSignedIn }) },
    { path: /^setup$/, title: 'Welcome', render: (view, ctx) => setupPage(view, ctx, { onSignedIn }) },
    { path: /^join$/, title: 'Invitation', render: (view, ctx) => invitationPage(view, ctx, { onSignedIn }) },
    { path: /^password$/, title: 'Set your password', render: (view, ctx) => passwordPage(view, ctx, { onSignedIn }) },
    { path: /^members$/, title: 'Members', render: forRole('members:admin', membersPage) },
    { path: /^keys$/, title: 'API keys', render: forRole('keys:admin', keysPage) },
    { path: /^audit$/, title: 'Audit log', render: forRole('audit:read', auditPage) },
    { path: /^profile$/, title: 'Your profile', render: (view, ctx) => profilePage(view, ctx, { onSignedOut }) },
  ],
  notFound: {
    path: /$^/,
    title: 'Not found',
    render: (view) =>
      view.append(h('h1', null, 'Page not found'), h('p', null, h('a', { href: BASE }, 'Back to your links'))),
  },
  beforeRender: () => {
    const signedIn = currentSession() !== null
    const onSignIn = location.pathname === `${BASE}sign-in`
    // Pages a single-use link opens: they work signed out, and sign in when they succeed.
    const onTokenPage = /^(setup|join|password)$/.test(location.pathname.slice(BASE.length))
    showChrome(signedIn && !onTokenPage)
    if (onTokenPage) return true
    if (!signedIn && !onSignIn) {
      returnTo = location.pathname + location.search
      history.replaceState(null, '', `${BASE}sign-in`)
    } else if (signedIn && onSignIn) {
      history.replaceState(null, '', BASE)
    }
    return true
  },
})

/**
 * A page only some roles may open: the others are told so, rather than shown an error.
 * @param {string} scope
 * @param {(view: HTMLElement, ctx: import('./router.js').RouteContext) => Promise<void>} render
 */
function forRole(scope, render) {
  return (/** @type {HTMLElement} */ view, /** @type {import('./router.js').RouteContext} */ ctx) => {
    if (!can(scope)) {
      view.append(
        h('h1', null, 'Not for your role'),
        h('p', { role: 'alert' }, `Your role does not include ${scope}. Ask an owner or admin.`),
      )
      return
    }
    return render(view, ctx).catch((err) => {
      if (!ctx.signal.aborted) view.append(h('p', { class: 'error', role: 'alert' }, String(err.message ?? err)))
    })
  }
}

function showChrome(/** @type {boolean} */ signedIn) {
  topbar.hidden = !signedIn
  const session = currentSession()
  who.textContent = session
    ? session.person
      ? `${session.person.email} · ${session.person.role}`
      : `Signed in with ${session.key.name}`
    : ''
  // Role-limited sections: shown to those whose role (or key) allows them; the server checks again anyway.
  for (const a of topbar.querySelectorAll('[data-scope]')) {
    const li = /** @type {HTMLElement} */ (a.parentElement)
    li.hidden = !can(/** @type {string} */ (a.getAttribute('data-scope')))
  }
  profileLink.hidden = !session?.person
  const section = location.pathname.slice(BASE.length).split('/')[0] || 'links'
  for (const a of topbar.querySelectorAll('[data-nav]')) {
    if (a.getAttribute('data-nav') === section) a.setAttribute('aria-current', 'page')
    else a.removeAttribute('aria-current')
  }
}

function onSignedOut() {
  loadSession()
    .catch(() => null)
    .finally(() => router.navigate(`${BASE}sign-in`, { replace: true }))
}

function onSignedIn() {
  const target = returnTo && !returnTo.startsWith(`${BASE}sign-in`) ? returnTo : BASE
  returnTo = ''
  router.navigate(target, { replace: true })
}

signOutButton.addEventListener('click', async () => {
  signOutButton.disabled = true
  try {
    await signOut()
  } finally {
    signOutButton.disabled = false
    router.navigate(`${BASE}sign-in`, { replace: true })
  }
})

// A 401 from any API call means the session is gone (expired, signed out in another tab, key revoked).
whenSessionLost(async () => {
  if (currentSession() === null) return
  await loadSession().catch(() => null)
  if (currentSession() === null) router.navigate(`${BASE}sign-in`, { replace: true })
})

try {
  await loadSession()
  router.render()
} catch (err) {
  main.replaceChildren(
    h('h1', null, 'Umbra is not answering'),
    h('p', { role: 'alert' }, err instanceof ApiError ? err.detail : String(err)),
  )
}
