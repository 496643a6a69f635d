import { api } from './api.js'

/**
 * Who is signed in, as GET /dashboard/session reports it.
 * @typedef {{ key: { id: string, name: string, kind: string, scopes: string[] }, person?: { id: string, email: string, name: string | null, role: string }, expiresAt: string }} Session
 */

/** @type {Session | null} */
let session = null

export const currentSession = () => session

/** Asks the server whether the cookie still stands for a live session. */
export async function loadSession() {
  try {
    session = await api('/dashboard/session', { quietOn401: true })
  } catch (err) {
    if (/** @type {{ status?: number }} */ (err).status !== 401) throw err
    session = null
  }
  return session
}

/** @param {string} key */
export async function signIn(key) {
  session = await api('/dashboard/session', { method: 'POST', body: { key }, quietOn401: true })
  return session
}

/** @param {string} email @param {string} password */
export async function signInWithPassword(email, password) {
  session = await api('/dashboard/session', { method: 'POST', body: { email, password }, quietOn401: true })
  return session
}

/** After setup, an invitation or a password link signed this browser in: ask who it is now. */
export const refreshSession = () => loadSession()

export async function signOut() {
  session = null
  await api('/dashboard/session', { method: 'DELETE', quietOn401: true })
}

/** Whether the signed-in key may do something; the server checks again on every call. */
export const can = (/** @type {string} */ scope) => session?.key.scopes.includes(scope) ?? false
