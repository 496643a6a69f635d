import { api, ApiError } from '../api.js'
import { h } from '../element.js'
import { field, onSubmit, alertBox } from '../forms.js'
import { signIn, signInWithPassword } from '../session.js'

/**
 * Sign in with email and password (or single sign-on when set up); admins may still use an API key. The secret
 * is sent once; the browser then holds only an httpOnly session cookie.
 * @param {HTMLElement} view
 * @param {{ onSignedIn: () => void }} opts
 */
export function signInPage(view, { onSignedIn }) {
  const email = field('email', 'Email', { type: 'email', required: true, autocomplete: 'username' })
  const password = field('password', 'Password', { type: 'password', required: true, autocomplete: 'current-password' })
  const personError = alertBox('person-error')
  // Back from single sign-on with a refusal: say why.
  personError.textContent = new URLSearchParams(location.search).get('sso_error') ?? ''
  const personButton = h('button', { type: 'submit', class: 'button primary' }, 'Sign in')
  const personForm = h(
    'form',
    { class: 'card sign-in', novalidate: true },
    h('h1', null, 'Sign in to Umbra'),
    email.row,
    password.row,
    personError,
    personButton,
  )
  onSubmit(personForm, personButton, personError, async () => {
    try {
      await signInWithPassword(email.input.value.trim(), password.input.value)
      onSignedIn()
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) throw new Error(`Too many attempts. ${err.detail}`)
      throw err
    }
  })

  const sso = h(
    'p',
    { class: 'sso', hidden: true },
    h(
      'a',
      { class: 'button', href: '/dashboard/sso/start', target: '_self' }, // a server route: the router leaves it alone
      'Sign in with single sign-on',
    ),
  )
  const firstRun = h(
    'p',
    { class: 'hint', hidden: true },
    'No account exists yet: open the setup link printed in the server log (“next: open …/dashboard/setup?token=…”).',
  )
  api('/dashboard/sign-in-options', { quietOn401: true })
    .then((/** @type {{ sso: boolean, setup: boolean }} */ o) => {
      sso.hidden = !o.sso
      firstRun.hidden = !o.setup
    })
    .catch(() => {})

  view.append(
    h(
      'div',
      { class: 'sign-in-wrap' },
      h('p', { class: 'brand big' }, 'Umbra'),
      firstRun,
      personForm,
      sso,
      keyForm(onSignedIn),
    ),
  )
  email.input.focus()
}

/** The API-key sign-in, for admins with ADMIN_API_KEY or a secret key. */
function keyForm(/** @type {() => void} */ onSignedIn) {
  const error = h('p', { class: 'error', id: 'sign-in-error', role: 'alert' })
  const input = h('input', {
    id: 'api-key',
    name: 'key',
    type: 'password',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    autocapitalize: 'off',
    'aria-describedby': 'api-key-help sign-in-error',
  })
  const button = h('button', { type: 'submit', class: 'button' }, 'Sign in with the key')
  const form = h(
    'form',
    { class: 'card sign-in', novalidate: true },
    h('h2', null, 'Or with an API key'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h(
      'p',
      { id: 'api-key-help', class: 'hint' },
      'A secret key (umb_…) or the server’s ADMIN_API_KEY. It is checked once; this browser then keeps only a session cookie.',
    ),
    error,
    button,
  )
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const key = input.value.trim()
    if (!key) {
      error.textContent = 'Enter your API key.'
      input.setAttribute('aria-invalid', 'true')
      input.focus()
      return
    }
    button.disabled = true
    error.textContent = ''
    try {
      await signIn(key)
      onSignedIn()
    } catch (err) {
      error.textContent = signInMessage(err)
      input.setAttribute('aria-invalid', 'true')
      input.select()
    } finally {
      button.disabled = false
    }
  })
  return form
}

function signInMessage(/** @type {unknown} */ err) {
  if (!(err instanceof ApiError)) return 'Something went wrong. Try again.'
  if (err.status === 401)
    return 'That API key is not valid. Check that you pasted all of it, and that it has not been revoked or expired.'
  if (err.status === 403) return err.detail
  if (err.status === 429) return 'Too many attempts. Wait a minute and try again.'
  return err.detail
}
