import { ApiError } from '../api.js'
import { h } from '../element.js'
import { signIn } from '../session.js'

/**
 * Sign in with an API key. The key is sent once; the browser then holds only an httpOnly session cookie.
 * @param {HTMLElement} view
 * @param {{ onSignedIn: () => void }} opts
 */
export function signInPage(view, { onSignedIn }) {
  const error = h('p', { class: 'error', id: 'sign-in-error', role: 'alert' })
  const input = h('input', {
    id: 'api-key',
    name: 'key',
    type: 'password',
    required: true,
    autocomplete: 'current-password',
    spellcheck: 'false',
    autocapitalize: 'off',
    'aria-describedby': 'api-key-help sign-in-error',
  })
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Sign in')
  const form = h(
    'form',
    { class: 'card sign-in', novalidate: true },
    h('h1', null, 'Sign in to Umbra'),
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
    button.textContent = 'Signing in…'
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
      button.textContent = 'Sign in'
    }
  })
  view.append(h('div', { class: 'sign-in-wrap' }, h('p', { class: 'brand big' }, 'Umbra'), form))
  input.focus()
}

function signInMessage(/** @type {unknown} */ err) {
  if (!(err instanceof ApiError)) return 'Something went wrong. Try again.'
  if (err.status === 401)
    return 'That API key is not valid. Check that you pasted all of it, and that it has not been revoked or expired.'
  if (err.status === 403) return err.detail
  if (err.status === 429) return 'Too many attempts. Wait a minute and try again.'
  return err.detail
}
