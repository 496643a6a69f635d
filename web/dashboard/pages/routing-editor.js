import { h } from '../element.js'

/**
 * @typedef {{ device?: string, os?: string[], country?: string[], language?: string[], app?: string[] }} RuleConditions
 * @typedef {{ if: RuleConditions, url: string }} Rule
 * @typedef {{ ios?: { url: string, fallbackUrl: string },
 *   android?: { url: string, package?: string, fallbackUrl: string } }} DeepLinks
 * @typedef {{ rules: Rule[], deepLinks: DeepLinks | null, inAppEscape: boolean, passwordProtected: boolean,
 *   maxClicks: number | null, fallbackUrl: string | null }} Routing
 */

const DEVICES = [
  ['', 'Any device'],
  ['ios', 'iPhone / iPad'],
  ['android', 'Android'],
  ['mobile', 'Phone or tablet'],
  ['desktop', 'Desktop'],
]
const LISTS = /** @type {const} */ ([
  ['country', 'Countries', 'FR, BE'],
  ['language', 'Languages', 'fr, de'],
  ['app', 'From apps', 'instagram, facebook'],
  ['os', 'Systems', 'Windows, Mac OS'],
])

/** "fr, BE ,," → ['fr', 'BE'], or undefined when empty. */
const list = (/** @type {string} */ text) => {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  return items.length ? items : undefined
}

/**
 * The routing fields of a link: ordered rules (first match wins), app targets, in-app escape, password,
 * click limit and fallback. `value()` is the body to send: on create, only what is set; on edit, cleared
 * fields as null (the password is only sent when typed, or cleared when asked).
 * @param {{ idPrefix: string, initial?: Routing, edit?: boolean }} opts
 */
export function routingEditor({ idPrefix, initial, edit = false }) {
  const id = (/** @type {string} */ name) => `${idPrefix}-${name}`
  const rows = h('ol', { class: 'rules' })
  const input = (
    /** @type {string} */ name,
    /** @type {string} */ label,
    /** @type {Record<string, unknown>} */ attrs,
  ) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: id(name) }, label),
      h('input', { id: id(name), name: id(name), ...attrs }),
    )

  function ruleRow(/** @type {Rule | undefined} */ rule) {
    const device = h(
      'select',
      { 'aria-label': 'Device', 'data-cond': 'device' },
      DEVICES.map(([v, l]) => h('option', { value: v, selected: rule?.if.device === v }, l)),
    )
    const li = h(
      'li',
      { class: 'rule' },
      h('label', null, 'If ', device),
      LISTS.map(([name, label, placeholder]) =>
        h(
          'label',
          null,
          `${label} `,
          h('input', { type: 'text', 'data-cond': name, placeholder, value: rule?.if[name]?.join(', ') ?? '' }),
        ),
      ),
      h(
        'label',
        { class: 'rule-url' },
        'go to ',
        h('input', { type: 'url', 'data-cond': 'url', placeholder: 'https://…', value: rule?.url ?? '' }),
      ),
      h(
        'button',
        { type: 'button', class: 'quiet', 'aria-label': 'Move this rule up', onclick: () => move(li, -1) },
        '↑',
      ),
      h(
        'button',
        { type: 'button', class: 'quiet', 'aria-label': 'Remove this rule', onclick: () => li.remove() },
        '✕',
      ),
    )
    rows.append(li)
  }
  const move = (/** @type {Element} */ li, /** @type {number} */ by) => {
    const before = by < 0 ? li.previousElementSibling : li.nextElementSibling?.nextElementSibling
    if (by < 0 && !before) return
    rows.insertBefore(li, before ?? null)
  }
  for (const r of initial?.rules ?? []) ruleRow(r)

  const deep = initial?.deepLinks
  const escapeBox = h('input', { type: 'checkbox', id: id('escape'), checked: initial?.inAppEscape ?? false })
  const clearPassword = edit
    ? h('label', { class: 'check' }, h('input', { type: 'checkbox', id: id('no-password') }), ' Remove the password')
    : null
  const element = h(
    'fieldset',
    { class: 'routing' },
    h('legend', null, 'Routing'),
    h('p', { class: 'hint' }, 'Rules, in order: the first that matches answers; otherwise the link’s URL.'),
    rows,
    h('button', { type: 'button', class: 'button quiet', onclick: () => ruleRow(undefined) }, 'Add a rule'),
    h(
      'label',
      { class: 'check' },
      escapeBox,
      ' Open in the system browser when clicked inside Instagram, Facebook, TikTok, LinkedIn…',
    ),
    h(
      'div',
      { class: 'row' },
      input('ios-url', 'iOS app URL', { type: 'text', placeholder: 'myapp://item/42', value: deep?.ios?.url ?? '' }),
      input('ios-store', 'iOS fallback (App Store)', { type: 'url', value: deep?.ios?.fallbackUrl ?? '' }),
    ),
    h(
      'div',
      { class: 'row' },
      input('android-url', 'Android app URL', { type: 'text', value: deep?.android?.url ?? '' }),
      input('android-package', 'Android package', { type: 'text', value: deep?.android?.package ?? '' }),
      input('android-store', 'Android fallback (Play Store)', { type: 'url', value: deep?.android?.fallbackUrl ?? '' }),
    ),
    h(
      'div',
      { class: 'row' },
      input('password', initial?.passwordProtected ? 'New password (one is set)' : 'Password', {
        type: 'password',
        autocomplete: 'new-password',
      }),
      input('max-clicks', 'Stop after (human clicks)', { type: 'number', min: 1, value: initial?.maxClicks ?? '' }),
      input('fallback', 'Then (or once expired) go to', { type: 'url', value: initial?.fallbackUrl ?? '' }),
    ),
    clearPassword,
  )

  const text = (/** @type {string} */ name) =>
    /** @type {HTMLInputElement} */ (element.querySelector(`#${id(name)}`)).value.trim()
  const orNull = (/** @type {unknown} */ v) => (v === undefined || v === '' ? (edit ? null : undefined) : v)

  function value() {
    const rules = [...rows.querySelectorAll('li.rule')].map((li) => {
      const get = (/** @type {string} */ c) =>
        /** @type {HTMLInputElement} */ (li.querySelector(`[data-cond=${c}]`)).value.trim()
      /** @type {Record<string, unknown>} */
      const cond = {}
      if (get('device')) cond.device = get('device')
      for (const [name] of LISTS) {
        const items = list(get(name))
        if (items) cond[name] = items
      }
      return { if: cond, url: get('url') }
    })
    /** @type {DeepLinks} */
    const deepLinks = {}
    if (text('ios-url')) deepLinks.ios = { url: text('ios-url'), fallbackUrl: text('ios-store') }
    if (text('android-url'))
      deepLinks.android = {
        url: text('android-url'),
        ...(text('android-package') ? { package: text('android-package') } : {}),
        fallbackUrl: text('android-store'),
      }
    const removePassword = /** @type {HTMLInputElement | null} */ (element.querySelector(`#${id('no-password')}`))
    const maxClicks = text('max-clicks')
    return {
      rules: rules.length ? rules : edit ? null : undefined,
      deepLinks: Object.keys(deepLinks).length ? deepLinks : edit ? null : undefined,
      inAppEscape: escapeBox.checked || (edit ? false : undefined),
      password: removePassword?.checked ? null : text('password') || undefined,
      maxClicks: orNull(maxClicks === '' ? '' : Number(maxClicks)),
      fallbackUrl: orNull(text('fallback')),
    }
  }
  return { element, value }
}

/**
 * Clicks by rule, as a table's rows: rule 1 … n with its target, and "no rule" (the link's URL).
 * @param {Record<string, number>} byRule
 * @param {Rule[]} rules
 */
export const ruleRows = (byRule, rules) =>
  Object.entries(byRule)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([rule, n]) => ({
      label:
        rule === '0'
          ? 'No rule matched (the link’s URL)'
          : `Rule ${rule}${rules[Number(rule) - 1] ? ` → ${rules[Number(rule) - 1].url}` : ''}`,
      value: n,
    }))
