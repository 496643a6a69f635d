import { api } from '../api.js'
import { h } from '../element.js'
import { alertBox, field, onSubmit } from '../forms.js'
import { refreshSession } from '../session.js'

/**
 * The pages a single-use link opens, signed out: first-run setup (the owner), accepting an invitation, and
 * setting a password. Each signs the browser in when it succeeds.
 * @typedef {{ onSignedIn: () => void }} Done
 */

const passwordHint = 'At least 10 characters; the commonest passwords are refused.'

/** The page frame of the signed-out pages: the brand, then what follows. @param {...Node} children */
const signInWrap = (...children) =>
  h('div', { class: 'sign-in-wrap' }, h('p', { class: 'brand big' }, 'Umbra'), ...children)

/** The "choose a password" field of the setup, invitation and password-link pages. */
const newPasswordField = () =>
  field('new-password', 'Choose a password', { type: 'password', required: true, autocomplete: 'new-password' })

/** @param {HTMLElement} view @param {import('../router.js').RouteContext} ctx @param {Done} done */
export function setupPage(view, { query }, { onSignedIn }) {
  const token = query.get('token') ?? ''
  const email = field('email', 'Your email', { type: 'email', required: true, autocomplete: 'username' })
  const name = field('name', 'Your name (optional)', { autocomplete: 'name' })
  const password = newPasswordField()
  const error = alertBox('setup-error')
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Create the owner account')
  const form = h(
    'form',
    { class: 'card sign-in', novalidate: true },
    h('h1', null, 'Welcome to Umbra'),
    h('p', null, 'Create the first account: the owner, who can invite the rest of the team.'),
    email.row,
    name.row,
    password.row,
    h('p', { class: 'hint' }, passwordHint),
    error,
    button,
  )
  onSubmit(form, button, error, async () => {
    const body = {
      token,
      email: email.input.value.trim(),
      password: password.input.value,
      name: name.input.value.trim() || undefined,
    }
    await api('/dashboard/setup', { method: 'POST', body, quietOn401: true })
    await refreshSession()
    onSignedIn()
  })
  view.append(signInWrap(form))
  email.input.focus()
}

/** @param {HTMLElement} view @param {import('../router.js').RouteContext} ctx @param {Done} done */
export async function invitationPage(view, { query, signal }, { onSignedIn }) {
  const token = query.get('token') ?? ''
  const wrap = signInWrap()
  view.append(wrap)
  /** @type {{ email: string, role: string }} */
  let invitation
  try {
    invitation = await api('/dashboard/invitation', { query: { token }, signal, quietOn401: true })
  } catch (err) {
    wrap.append(
      h(
        'div',
        { class: 'card' },
        h('h1', null, 'This invitation cannot be used'),
        h('p', { role: 'alert' }, String(/** @type {Error} */ (err).message)),
      ),
    )
    return
  }
  const name = field('name', 'Your name (optional)', { autocomplete: 'name' })
  const password = newPasswordField()
  const error = alertBox('invitation-error')
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Join')
  const form = h(
    'form',
    { class: 'card sign-in', novalidate: true },
    h('h1', null, 'Join Umbra'),
    h('p', null, `You are invited as ${invitation.role}, with the email ${invitation.email}.`),
    name.row,
    password.row,
    h('p', { class: 'hint' }, passwordHint),
    error,
    button,
  )
  onSubmit(form, button, error, async () => {
    const body = { token, password: password.input.value, name: name.input.value.trim() || undefined }
    await api('/dashboard/invitation', { method: 'POST', body, quietOn401: true })
    await refreshSession()
    onSignedIn()
  })
  wrap.append(form)
  password.input.focus()
}

/** @param {HTMLElement} view @param {import('../router.js').RouteContext} ctx @param {Done} done */
export function passwordPage(view, { query }, { onSignedIn }) {
  const token = query.get('token') ?? ''
  const password = field('new-password', 'New password', {
    type: 'password',
    required: true,
    autocomplete: 'new-password',
  })
  const error = alertBox('password-error')
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Set the password')
  const form = h(
    'form',
    { class: 'card sign-in', novalidate: true },
    h('h1', null, 'Set your password'),
    password.row,
    h('p', { class: 'hint' }, passwordHint),
    error,
    button,
  )
  onSubmit(form, button, error, async () => {
    await api('/dashboard/password', {
      method: 'POST',
      body: { token, password: password.input.value },
      quietOn401: true,
    })
    await refreshSession()
    onSignedIn()
  })
  view.append(signInWrap(form))
  password.input.focus()
}
