import { h } from './element.js'

/**
 * A real <button> that copies `text` and says so ("Copied") for a moment, in a live region so screen
 * readers hear it too. `label` names what is copied for assistive tech: "Copy short link for WhatsApp".
 * @param {string} text
 * @param {{ label: string, visible?: string }} opts
 */
export function copyButton(text, { label, visible = 'Copy' }) {
  const status = h('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' })
  const button = h('button', { type: 'button', class: 'button small', 'aria-label': label, 'data-copy': text }, visible)
  button.addEventListener('click', async () => {
    const ok = await copyText(text)
    status.textContent = ok ? 'Copied' : 'Press Ctrl+C to copy'
    button.classList.toggle('copied', ok)
    setTimeout(() => {
      status.textContent = ''
      button.classList.remove('copied')
    }, 2000)
  })
  return h('span', { class: 'copy' }, button, status)
}

/** navigator.clipboard needs a secure context (https or localhost); plain http on a LAN falls back to execCommand. */
async function copyText(/** @type {string} */ text) {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    const area = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' })
    area.value = text
    document.body.append(area)
    area.select()
    const ok = document.execCommand('copy')
    area.remove()
    return ok
  }
}
