import { api, apiUrl } from '../api.js'
import { fill, h } from '../element.js'
import { alertBox, field, onSubmit } from '../forms.js'
import { currentSession } from '../session.js'
import { tableHead } from '../table-head.js'

const when = (/** @type {string | null} */ iso) => (iso ? new Date(iso).toLocaleString() : '—')
const ROLES = ['owner', 'admin', 'editor', 'viewer']

/**
 * Members and invitations (owners and admins): invite by email and role (the link is shown to pass on),
 * change a role, suspend, remove, send a password link.
 * @param {HTMLElement} view @param {import('../router.js').RouteContext} ctx
 */
export async function membersPage(view, { signal }) {
  const mine = currentSession()?.person?.role ?? 'owner'
  const roles = mine === 'owner' ? ROLES : ROLES.slice(1)
  const list = h('div', { class: 'stack' })
  const email = field('invite-email', 'Email', { type: 'email', required: true })
  const role = h(
    'select',
    { id: 'invite-role', name: 'role' },
    roles.map((r) => h('option', { value: r, selected: r === 'editor' }, r)),
  )
  const error = alertBox('invite-error')
  const made = h('p', { class: 'invitation-link', role: 'status' })
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Invite')
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h('h2', null, 'Invite someone'),
    email.row,
    h('div', { class: 'field' }, h('label', { for: 'invite-role' }, 'Role'), role),
    error,
    button,
    made,
  )
  onSubmit(form, button, error, async () => {
    const invited = await api('/api/v1/members/invitations', {
      method: 'POST',
      body: { email: email.input.value.trim(), role: role.value },
    })
    fill(
      made,
      `Invitation for ${invited.email} (${invited.role}), valid 7 days${invited.emailed ? ', sent by mail' : ''}. Pass this link on: `,
      h('code', { class: 'link' }, invited.url),
    )
    email.input.value = ''
    await load()
  })
  view.append(h('div', { class: 'page-head' }, h('h1', null, 'Members')), form, list)

  async function act(/** @type {() => Promise<unknown>} */ call) {
    try {
      await call()
    } catch (err) {
      alert(String(/** @type {Error} */ (err).message))
    }
    await load()
  }

  async function load() {
    /** @type {{ members: any[], invitations: any[] }} */
    const data = await api('/api/v1/members', { signal })
    const rows = data.members.map((m) => {
      const select = h(
        'select',
        { 'aria-label': `Role of ${m.email}` },
        ROLES.map((r) => h('option', { value: r, selected: r === m.role }, r)),
      )
      select.addEventListener('change', () =>
        act(() => api(`/api/v1/members/${m.id}`, { method: 'PATCH', body: { role: select.value } })),
      )
      const suspend = h(
        'button',
        { type: 'button', class: 'button quiet' },
        m.status === 'suspended' ? 'Restore' : 'Suspend',
      )
      suspend.addEventListener('click', () =>
        act(() => api(`/api/v1/members/${m.id}`, { method: 'PATCH', body: { suspended: m.status !== 'suspended' } })),
      )
      const reset = h('button', { type: 'button', class: 'button quiet' }, 'Password link')
      reset.addEventListener('click', () =>
        act(async () => {
          const link = await api(`/api/v1/members/${m.id}/password-link`, { method: 'POST' })
          fill(made, `Password link for ${m.email} (single use, 24 hours): `, h('code', { class: 'link' }, link.url))
        }),
      )
      const remove = h('button', { type: 'button', class: 'button quiet danger' }, 'Remove')
      remove.addEventListener('click', () => {
        if (confirm(`Remove ${m.email}? Their sessions end at once.`))
          act(() => api(`/api/v1/members/${m.id}`, { method: 'DELETE' }))
      })
      return h(
        'tr',
        null,
        h('td', null, m.email, m.name ? ` (${m.name})` : ''),
        h('td', null, select),
        h('td', null, m.status),
        h('td', null, suspend, reset, remove),
      )
    })
    const invitations = data.invitations.map((i) => {
      const withdraw = h('button', { type: 'button', class: 'button quiet' }, 'Withdraw')
      withdraw.addEventListener('click', () =>
        act(() => api(`/api/v1/members/invitations/${i.id}`, { method: 'DELETE' })),
      )
      return h(
        'tr',
        null,
        h('td', null, i.email),
        h('td', null, i.role),
        h('td', null, `invited, until ${when(i.expiresAt)}`),
        h('td', null, withdraw),
      )
    })
    fill(
      list,
      h(
        'table',
        { class: 'members' },
        tableHead(['Member', 'Role', 'Status', '']),
        h('tbody', null, rows, invitations),
      ),
    )
  }
  await load()
}

/**
 * API keys (owners and admins): create one (the secret is shown once), list them with their last use and
 * who made them, revoke. A key gets no more than the person's own role.
 * @param {HTMLElement} view @param {import('../router.js').RouteContext} ctx
 */
export async function keysPage(view, { signal }) {
  const scopes = currentSession()?.key.scopes ?? []
  const name = field('key-name', 'What the key is for', { required: true, placeholder: 'cms' })
  const boxes = scopes.map((s) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', value: s, checked: s.startsWith('links') }), ` ${s}`),
  )
  const error = alertBox('key-error')
  const secret = h('p', { role: 'status' })
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Create key')
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h('h2', null, 'New key'),
    name.row,
    h('fieldset', null, h('legend', null, 'Scopes'), boxes),
    error,
    button,
    secret,
  )
  const list = h('div')
  onSubmit(form, button, error, async () => {
    const chosen = boxes
      .map((b) => /** @type {HTMLInputElement} */ (b.querySelector('input')))
      .filter((i) => i.checked)
      .map((i) => i.value)
    const key = await api('/api/v1/keys', { method: 'POST', body: { name: name.input.value.trim(), scopes: chosen } })
    fill(secret, 'The secret, shown this once: ', h('code', { class: 'link' }, key.secret))
    await load()
  })
  view.append(h('div', { class: 'page-head' }, h('h1', null, 'API keys')), form, list)
  async function load() {
    const { items } = await api('/api/v1/keys', { signal, query: { limit: 200 } })
    const rows = items.map((/** @type {any} */ k) => {
      const revoke = h('button', { type: 'button', class: 'button quiet danger' }, 'Revoke')
      revoke.addEventListener('click', async () => {
        if (!confirm(`Revoke ${k.name}? Whatever uses it stops working.`)) return
        await api(`/api/v1/keys/${k.id}`, { method: 'DELETE' })
        await load()
      })
      return h(
        'tr',
        null,
        h('td', null, k.name, ' ', h('code', null, k.prefix)),
        h('td', null, k.scopes.join(', ')),
        h('td', null, k.createdBy ?? 'CLI or a key'),
        h('td', null, k.lastUsedAt ? when(k.lastUsedAt) : 'never'),
        h('td', null, revoke),
      )
    })
    fill(list, h('table', null, tableHead(['Key', 'Scopes', 'Created by', 'Last used', '']), h('tbody', null, rows)))
  }
  await load()
}

/**
 * The audit log (owners and admins): who changed what, when, with CSV export.
 * @param {HTMLElement} view @param {import('../router.js').RouteContext} ctx
 */
export async function auditPage(view, { signal, query }) {
  const entity = query.get('entity') ?? ''
  const csv = h(
    'a',
    { class: 'button quiet', href: apiUrl('/api/v1/audit', { entity, format: 'csv' }), download: 'umbra-audit.csv' },
    'Download as CSV',
  )
  view.append(h('div', { class: 'page-head' }, h('h1', null, 'Audit log'), h('div', { class: 'actions' }, csv)))
  const { items } = await api('/api/v1/audit', { signal, query: { entity, limit: 200 } })
  const change = (/** @type {any} */ e) => JSON.stringify(e.after ?? e.before ?? {})
  const rows = items.map((/** @type {any} */ e) =>
    h(
      'tr',
      null,
      h('td', null, when(e.at)),
      h('td', null, e.actor.name),
      h('td', null, `${e.action} ${e.entity} ${e.entityId}`),
      h('td', null, h('code', null, change(e))),
    ),
  )
  view.append(h('table', { class: 'audit' }, tableHead(['When', 'Who', 'What', 'Change']), h('tbody', null, rows)))
}

/**
 * My profile: change my password, see my sessions, sign out everywhere.
 * @param {HTMLElement} view @param {import('../router.js').RouteContext} ctx @param {{ onSignedOut: () => void }} opts
 */
export async function profilePage(view, { signal }, { onSignedOut }) {
  const me = await api('/dashboard/profile', { signal })
  const current = field('current-password', 'Current password', { type: 'password', autocomplete: 'current-password' })
  const next = field('new-password', 'New password', { type: 'password', autocomplete: 'new-password' })
  const error = alertBox('profile-error')
  const done = h('p', { role: 'status' })
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Change password')
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h('h2', null, 'Password'),
    current.row,
    next.row,
    error,
    button,
    done,
  )
  onSubmit(form, button, error, async () => {
    await api('/dashboard/profile/password', {
      method: 'PUT',
      body: { currentPassword: current.input.value, newPassword: next.input.value },
    })
    done.textContent = 'Password changed; your other sessions were signed out.'
  })
  const everywhere = h('button', { type: 'button', class: 'button' }, 'Sign out everywhere')
  everywhere.addEventListener('click', async () => {
    await api('/dashboard/profile/sessions', { method: 'DELETE', quietOn401: true })
    onSignedOut()
  })
  const sessions = me.sessions.map((/** @type {any} */ s) =>
    h('li', null, `since ${when(s.createdAt)}, until ${when(s.expiresAt)}`, s.current ? ' (this browser)' : ''),
  )
  view.append(
    h('div', { class: 'page-head' }, h('h1', null, 'Your profile')),
    h('p', null, `${me.person.email} · ${me.person.role}`),
    form,
    h('div', { class: 'card' }, h('h2', null, 'Sessions'), h('ul', { class: 'sessions' }, sessions), everywhere),
  )
}

/**
 * Who created a link or kit and who changed it since (from its history).
 * @param {'link' | 'kit'} entity @param {string} id @param {AbortSignal} signal
 */
export function historyNote(entity, id, signal) {
  const note = h('p', { class: 'muted history' })
  api(`/api/v1/history/${entity}/${encodeURIComponent(id)}`, { signal })
    .then(({ items }) => {
      const made = items.find((/** @type {any} */ e) => e.action === 'create')
      const last = items.at(-1)
      fill(
        note,
        made ? `Created by ${made.actor.name} on ${when(made.at)}` : 'Creator not recorded',
        last && last !== made ? ` · last changed by ${last.actor.name} on ${when(last.at)}` : '',
      )
    })
    .catch(() => {})
  return note
}
