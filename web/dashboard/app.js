import { ApiError, whenSessionLost } from './api.js'
import { h } from './element.js'
import { channelsPage } from './pages/channels-page.js'
import { contentPage } from './pages/content-page.js'
import { linkPage } from './pages/link-page.js'
import { linksPage } from './pages/links-page.js'
import { signInPage } from './pages/sign-in-page.js'
import { topicPage } from './pages/topic-page.js'
import { topicsPage } from './pages/topics-page.js'
import { BASE, createRouter } from './router.js'
import { currentSession, loadSession, signOut } from './session.js'

const main = /** @type {HTMLElement} */ (document.getElementById('main'))
const topbar = /** @type {HTMLElement} */ (document.getElementById('topbar'))
const who = /** @type {HTMLElement} */ (document.getElementById('who'))
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
    showChrome(signedIn)
    if (!signedIn && !onSignIn) {
      returnTo = location.pathname + location.search
      history.replaceState(null, '', `${BASE}sign-in`)
    } else if (signedIn && onSignIn) {
      history.replaceState(null, '', BASE)
    }
    return true
  },
})

function showChrome(/** @type {boolean} */ signedIn) {
  topbar.hidden = !signedIn
  const session = currentSession()
  who.textContent = session ? `Signed in with ${session.key.name}` : ''
  const section = location.pathname.slice(BASE.length).split('/')[0] || 'links'
  for (const a of topbar.querySelectorAll('[data-nav]')) {
    if (a.getAttribute('data-nav') === section) a.setAttribute('aria-current', 'page')
    else a.removeAttribute('aria-current')
  }
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
