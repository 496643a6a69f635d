import { ApiError } from './api.js'
import { h } from './element.js'

/**
 * A labelled input.
 * @param {string} id @param {string} label @param {Record<string, unknown>} [attrs]
 */
export function field(id, label, attrs = {}) {
  const input = h('input', { id, name: id, ...attrs })
  return { input, row: h('div', { class: 'field' }, h('label', { for: id }, label), input) }
}

/**
 * Wires a form: runs `submit` with the button disabled, shows a failure's detail in the form's alert.
 * @param {HTMLFormElement} form @param {HTMLButtonElement} button @param {HTMLElement} error
 * @param {() => Promise<void>} submit
 */
export function onSubmit(form, button, error, submit) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    button.disabled = true
    error.textContent = ''
    try {
      await submit()
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.detail : String(err)
    } finally {
      button.disabled = false
    }
  })
}

export const alertBox = (/** @type {string} */ id) => h('p', { class: 'error', id, role: 'alert' })
