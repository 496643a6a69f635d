import { api, ApiError } from '../api.js'
import { CHANNELS, DEFAULT_KIT_CHANNELS } from '../channels.js'
import { fill, h } from '../element.js'
import { channelLabel } from '../labels.js'
import { kitTable } from './kit-view.js'
import { routingEditor } from './routing-editor.js'

/** "climate, Energy ,," → ['climate', 'energy'] (the server normalises again). */
export const parseTopics = (/** @type {string} */ text) => [
  ...new Set(
    text
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  ),
]

/**
 * Create a share kit (one link per channel) or a single link. The result stays on screen with its copy
 * buttons, and onCreated lets the list below refresh.
 * @param {{ onCreated: () => void }} opts
 */
export function createPanel({ onCreated }) {
  const result = h('div', { class: 'create-result', 'aria-live': 'polite' })
  const error = h('div', { class: 'error', role: 'alert' })

  const field = (
    /** @type {string} */ id,
    /** @type {string} */ label,
    /** @type {Record<string, unknown>} */ attrs,
    /** @type {string} */ hint = '',
  ) =>
    h(
      'div',
      { class: 'field', 'data-field': id },
      h('label', { for: id }, label),
      h('input', { id, name: id, ...attrs, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}) }),
      hint && h('p', { class: 'hint', id: `${id}-hint` }, hint),
    )

  const kind = h(
    'fieldset',
    { class: 'kind' },
    h('legend', null, 'What to create'),
    h(
      'label',
      null,
      h('input', { type: 'radio', name: 'kind', value: 'kit', checked: true }),
      ' A share kit ',
      h('span', { class: 'muted' }, '(one link per channel)'),
    ),
    h('label', null, h('input', { type: 'radio', name: 'kind', value: 'link' }), ' A single link'),
  )
  const group = (/** @type {string} */ visibility, /** @type {string} */ title) =>
    h(
      'div',
      { class: `channel-group ${visibility}`, role: 'group', 'aria-label': title },
      h('p', { class: 'group-title' }, title),
      h(
        'div',
        { class: 'checks' },
        CHANNELS.filter((c) => c.visibility === visibility).map((c) =>
          h(
            'label',
            { class: 'check' },
            h('input', {
              type: 'checkbox',
              name: 'channels',
              value: c.id,
              checked: DEFAULT_KIT_CHANNELS.includes(c.id),
            }),
            ` ${channelLabel(c.id)}`,
          ),
        ),
      ),
    )
  const channels = h(
    'fieldset',
    { class: 'channels', 'data-for': 'kit' },
    h('legend', null, 'Channels'),
    group('private', 'Private: messengers, SMS, email'),
    group('public', 'Public: social networks'),
    group('owned', 'Your own: newsletter, print, website'),
  )
  const single = h(
    'div',
    { class: 'row', 'data-for': 'link', hidden: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'new-channel' }, 'Channel'),
      h(
        'select',
        { id: 'new-channel', name: 'channel' },
        h('option', { value: '' }, 'None'),
        CHANNELS.map((c) => h('option', { value: c.id }, channelLabel(c.id))),
      ),
    ),
    domainPicker(),
    field(
      'new-code',
      'Custom code',
      { type: 'text', maxlength: 64, pattern: '[A-Za-z0-9_-]{3,64}', autocomplete: 'off' },
      'Optional: 3–64 of A–Z a–z 0–9 _ -',
    ),
  )
  const routing = routingEditor({ idPrefix: 'new-routing' })
  const routingBox = h('div', { 'data-for': 'link', hidden: true }, routing.element)
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Create share kit')

  const form = h(
    'form',
    { class: 'create-form', novalidate: true },
    kind,
    field('new-url', 'Page URL', {
      type: 'url',
      required: true,
      placeholder: 'https://example.com/article',
      autocomplete: 'url',
    }),
    h(
      'div',
      { class: 'row' },
      field('new-title', 'Title', { type: 'text', maxlength: 300 }),
      field('new-topics', 'Topics', { type: 'text', autocomplete: 'off' }, 'Comma-separated, e.g. climate, energy'),
      field('new-campaign', 'Campaign', { type: 'text', maxlength: 100, autocomplete: 'off' }),
    ),
    channels,
    single,
    routingBox,
    error,
    submit,
  )
  const value = (/** @type {string} */ name) =>
    /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim()
  const isKit = () => /** @type {HTMLInputElement} */ (form.querySelector('input[name=kind]:checked')).value === 'kit'

  kind.addEventListener('change', () => {
    for (const el of form.querySelectorAll('[data-for]')) {
      const section = /** @type {HTMLElement} */ (el)
      section.hidden = el.getAttribute('data-for') !== (isKit() ? 'kit' : 'link')
    }
    submit.textContent = isKit() ? 'Create share kit' : 'Create link'
  })

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    error.replaceChildren()
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid')
    const url = value('new-url')
    if (!url) return showErrors([{ field: 'url', message: 'Enter the URL of the page to share.' }])
    const common = {
      url,
      title: value('new-title') || undefined,
      topics: parseTopics(value('new-topics')),
      campaign: value('new-campaign') || undefined,
    }
    submit.disabled = true
    try {
      if (isKit()) {
        const picked = [...form.querySelectorAll('input[name=channels]:checked')].map(
          (el) => /** @type {HTMLInputElement} */ (el).value,
        )
        if (picked.length === 0) return showErrors([{ field: 'channels', message: 'Pick at least one channel.' }])
        const kit = await api('/api/v1/shares', { method: 'POST', body: { ...common, channels: picked } })
        fill(
          result,
          h('h3', null, 'Share kit ready: ', kit.content?.title ?? kit.content?.url ?? url),
          kit.content?.id
            ? h(
                'p',
                null,
                h(
                  'a',
                  { href: `/dashboard/content/${encodeURIComponent(kit.content.id)}` },
                  'See how this content is shared',
                ),
              )
            : null,
          kitTable(kit.links, { caption: 'One short link per channel' }),
        )
      } else {
        const link = await api('/api/v1/links', {
          method: 'POST',
          body: {
            ...common,
            channel: value('channel') || undefined,
            code: value('new-code') || undefined,
            domain: value('domain') || undefined,
            ...routing.value(),
          },
        })
        result.replaceChildren(
          h('h3', null, 'Link ready'),
          kitTable([{ channel: link.channel ?? 'link', code: link.code, shortUrl: link.shortUrl }], {
            caption: 'Your short link',
          }),
        )
      }
      onCreated()
      // Focus the result, so keyboard and screen-reader users land on the new links.
      const heading = result.querySelector('h3')
      heading?.setAttribute('tabindex', '-1')
      heading?.focus()
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      showErrors(err.errors.length ? err.errors : [{ field: '', message: err.detail }])
    } finally {
      submit.disabled = false
    }
  })

  /** Problem+json field errors, shown beside the form and on the inputs they name. */
  function showErrors(/** @type {{ field: string, message: string }[]} */ errors) {
    submit.disabled = false
    const ids = /** @type {Record<string, string>} */ ({
      url: 'new-url',
      title: 'new-title',
      campaign: 'new-campaign',
      code: 'new-code',
      channel: 'new-channel',
      domain: 'new-domain',
    })
    error.replaceChildren(
      h('p', null, 'Could not create it:'),
      h(
        'ul',
        null,
        errors.map((e) => h('li', null, e.field ? `${fieldName(e.field)}: ${e.message}` : e.message)),
      ),
    )
    for (const e of errors) {
      const id = ids[e.field.split('.')[0]] ?? (e.field.startsWith('topics') ? 'new-topics' : null)
      if (id) document.getElementById(id)?.setAttribute('aria-invalid', 'true')
    }
  }

  return h(
    'section',
    { class: 'card create', 'aria-labelledby': 'create-title' },
    h('h2', { id: 'create-title' }, 'Create'),
    form,
    result,
  )
}

const fieldName = (/** @type {string} */ field) =>
  ({
    url: 'URL',
    title: 'Title',
    topics: 'Topics',
    campaign: 'Campaign',
    channels: 'Channels',
    code: 'Custom code',
    channel: 'Channel',
    domain: 'Domain',
  })[field.split('.')[0]] ?? field

/**
 * The short domain of a new link: PUBLIC_URL's host first (the default), then the others the server serves.
 * Shown only when there is more than one; filled once GET /api/v1/domains answers.
 */
function domainPicker() {
  const select = h('select', { id: 'new-domain', name: 'domain' })
  const wrap = h('div', { class: 'field', hidden: true }, h('label', { for: 'new-domain' }, 'Domain'), select)
  api('/api/v1/domains').then(
    (/** @type {{ items: { host: string, default: boolean }[] }} */ list) => {
      select.replaceChildren(...list.items.map((d) => h('option', { value: d.default ? '' : d.host }, d.host)))
      wrap.hidden = list.items.length < 2
    },
    () => {},
  )
  return wrap
}
