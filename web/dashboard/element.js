/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * h('a', { href: '/x', class: 'button', onclick: go }, 'Open ', child) builds one element.
 * Strings become text nodes, never HTML, so nothing an API returns can inject markup. `style` takes an
 * object and is applied through the CSSOM (allowed by a strict Content-Security-Policy, unlike style="").
 *
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue
    if (name.startsWith('on') && typeof value === 'function')
      el.addEventListener(name.slice(2), /** @type {EventListener} */ (value))
    else if (name === 'style') Object.assign(el.style, value)
    else if (name === 'class') el.className = String(value)
    else el.setAttribute(name, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

/**
 * @param {Element} parent
 * @param {(Child | Child[])[]} children
 */
export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    parent.append(typeof child === 'number' ? String(child) : child)
  }
}

/**
 * Replaces an element's children; null, undefined and false are left out (Element.replaceChildren would print "null").
 * @param {Element} parent
 * @param {...(Child | Child[])} children
 */
export function fill(parent, ...children) {
  parent.replaceChildren()
  append(parent, children)
}
