import { api, apiUrl, ApiError } from '../api.js'
import { breakdownTable, darkPublicLegend } from '../breakdown.js'
import { darkPublicChart } from '../charts.js'
import { linkConversions } from '../conversions.js'
import { copyButton } from '../copy-button.js'
import { historyNote } from './people-pages.js'
import { h } from '../element.js'
import { formatCount, formatDate, formatShare } from '../format.js'
import { lossLedger } from '../loss-ledger.js'
import { appLabel, channelLabel, MEDIUMS, mediumLabel } from '../labels.js'
import { rangeFrom, rangeLabel, rangePicker, rangeQuery } from '../range-picker.js'
import { statTiles } from '../stat-tiles.js'
import { declaredObservedTable } from './declared-observed.js'
import { qrLinks } from './kit-view.js'
import { routingEditor, ruleRows } from './routing-editor.js'

/**
 * @typedef {Record<string, number>} Counts
 * @typedef {{ code: string, clicks: number, uniques: number, dark: number, public: number, darkShare: number | null, previews: number, bots: number,
 *   byMedium: Counts, byApp: Counts, byVisibility: Counts, previewsByApp: Counts, byBrowser: Counts, byOs: Counts, byDevice: Counts, byCountry: Counts,
 *   byCity: Counts, byRule: Counts, lossLedger: { preview: number, bot: number, head: number, prefetch: number }, interval: 'hour' | 'day',
 *   series: { t: string, clicks: number, dark: number, public: number }[],
 *   conversions?: import('../conversions.js').LinkConversions }} LinkStats
 */

/**
 * One link: who clicked, how they arrived (dark vs public), which apps previewed it, and why the number is what it is.
 * @param {HTMLElement} view
 * @param {import('../router.js').RouteContext} ctx
 */
export async function linkPage(view, { signal, params: [code], query }) {
  let range = rangeFrom(query)
  // The same code may live on several short domains: ?domain= says which one (the default when absent).
  const onDomain = query.get('domain') ? { domain: /** @type {string} */ (query.get('domain')) } : {}
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted' }, 'Loading…'))
  const exportLink = h('a', { class: 'button quiet', download: `clicks-${code}.csv` }, 'Export clicks (CSV)')
  view.append(h('p', { class: 'crumbs' }, h('a', { href: '/dashboard/' }, '← Links & kits')))

  /** @type {import('./links-page.js').Link & import('./routing-editor.js').Routing & { contentId?: string, conversionTracking?: boolean }} */
  let link
  try {
    link = await api(`/api/v1/links/${encodeURIComponent(code)}`, { query: onDomain, signal })
  } catch (err) {
    if (signal.aborted) return
    view.append(
      h('h1', null, `Link ${code}`),
      h(
        'p',
        { class: 'error', role: 'alert' },
        err instanceof ApiError && err.status === 404
          ? `There is no link with the code “${code}”.`
          : String(/** @type {Error} */ (err).message),
      ),
    )
    return
  }

  view.append(
    historyNote('link', link.code, signal),
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        null,
        h('h1', null, link.title ?? link.code),
        h(
          'p',
          { class: 'muted' },
          'Short link ',
          h('code', null, link.code),
          link.disabled ? h('span', { class: 'tag' }, 'disabled') : null,
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        rangePicker({
          value: range,
          onChange: (id) => {
            range = id
            void loadStats()
          },
        }),
        exportLink,
      ),
    ),
    h(
      'dl',
      { class: 'facts card' },
      fact('Short link', [
        h('code', { class: 'short' }, link.shortUrl),
        ' ',
        copyButton(link.shortUrl, { label: 'Copy the short link' }),
      ]),
      fact(
        'Goes to',
        h('a', { href: link.url, target: '_blank', rel: 'noopener noreferrer', class: 'target' }, link.url),
      ),
      fact('Declared channel', link.channel ? channelLabel(link.channel) : h('span', { class: 'muted' }, 'none')),
      fact(
        'Topics',
        link.topics.length
          ? h(
              'ul',
              { class: 'chips' },
              link.topics.map((/** @type {string} */ t) =>
                h('li', null, h('a', { href: `/dashboard/topics/${encodeURIComponent(t)}` }, t)),
              ),
            )
          : h('span', { class: 'muted' }, 'none'),
      ),
      link.campaign ? fact('Campaign', link.campaign) : null,
      link.contentId
        ? fact(
            'Content',
            h(
              'a',
              { href: `/dashboard/content/${encodeURIComponent(link.contentId)}` },
              'All channels of this content',
            ),
          )
        : null,
      fact('Conversion tracking', link.conversionTracking ? 'on: its redirect adds umb_click to the target' : 'off'),
      fact('Created', formatDate(link.createdAt)),
      fact('Domain', link.domain),
      fact('QR code', qrLinks(link.code, link.code, onDomain.domain)),
    ),
    routingCard(),
    body,
  )

  /** The link's routing, edited in place: PATCH, then the page shows what the server kept. */
  function routingCard() {
    const editor = routingEditor({ idPrefix: 'edit-routing', initial: link, edit: true })
    const status = h('p', { class: 'hint', role: 'status' })
    const save = h('button', { type: 'submit', class: 'button primary' }, 'Save routing')
    const form = h('form', { class: 'card routing-card', novalidate: true }, editor.element, status, save)
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      save.disabled = true
      try {
        link = await api(`/api/v1/links/${encodeURIComponent(code)}`, {
          method: 'PATCH',
          query: onDomain,
          body: editor.value(),
        })
        status.textContent = 'Saved.'
        form.replaceWith(routingCard())
      } catch (err) {
        if (!(err instanceof ApiError)) throw err
        status.className = 'error'
        status.textContent = (err.errors.length ? err.errors : [{ field: '', message: err.detail }])
          .map((e) => (e.field ? `${e.field}: ${e.message}` : e.message))
          .join('; ')
      } finally {
        save.disabled = false
      }
    })
    return form
  }

  async function loadStats() {
    const q = rangeQuery(range)
    exportLink.href = apiUrl('/api/v1/exports/clicks.csv', { link: code, ...onDomain, ...q })
    body.setAttribute('aria-busy', 'true')
    try {
      /** @type {LinkStats} */
      const stats = await api(`/api/v1/links/${encodeURIComponent(code)}/stats`, {
        query: { ...q, ...onDomain },
        signal,
      })
      body.replaceChildren(...statsSections(stats, link.channel, rangeLabel(range), link.rules))
      if (stats.conversions && (link.conversionTracking || stats.conversions.total > 0))
        body.append(linkConversions(stats.conversions, rangeLabel(range)))
    } catch (err) {
      if (signal.aborted) return
      body.replaceChildren(
        h(
          'p',
          { class: 'error', role: 'alert' },
          `Could not load the numbers: ${err instanceof ApiError ? err.detail : String(err)}`,
        ),
      )
    } finally {
      body.removeAttribute('aria-busy')
    }
  }
  await loadStats()
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' })
/** "France (FR)" for an ISO code; 'unknown' as the API says it. */
const countryName = (/** @type {string} */ code) => {
  if (!/^[A-Z]{2}$/.test(code)) return code === 'unknown' ? 'Unknown' : code
  const name = regionNames.of(code)
  return name && name !== code ? `${name} (${code})` : code
}

/** A row of the Cities table from a byCity key, 'FR/IDF/Paris' (country, region, city: split at the first two '/'). */
const cityRow = (/** @type {string} */ place, /** @type {number} */ n) => {
  const [country, region] = place.split('/', 2)
  const city = place.slice(country.length + region.length + 2)
  return {
    label: region ? `${city}, ${region} (${country})` : `${city} (${country})`,
    value: n,
    hint: countryName(country),
  }
}

const fact = (
  /** @type {string} */ term,
  /** @type {import('../element.js').Child | import('../element.js').Child[]} */ value,
) => h('div', null, h('dt', null, term), h('dd', null, value))

/**
 * @param {LinkStats} s
 * @param {string | null} declared
 * @param {string} period
 * @param {import('./routing-editor.js').Rule[]} rules
 */
function statsSections(s, declared, period, rules) {
  const mediumRows = Object.entries(s.byMedium).map(([m, n]) => ({
    label: mediumLabel(m),
    value: n,
    tone: MEDIUMS[m]?.dark ? 'dark' : 'public',
    hint: MEDIUMS[m]?.hint,
  }))
  const inAppRows = Object.entries(s.byApp).map(([a, n]) => ({ label: appLabel(a), value: n }))
  const previewRows = Object.entries(s.previewsByApp).map(([a, n]) => ({ label: appLabel(a), value: n }))
  const dimensionRows = (/** @type {Counts} */ c) =>
    Object.entries(c).map(([k, n]) => ({
      label: k === k.toLowerCase() ? k.charAt(0).toUpperCase() + k.slice(1) : k,
      value: n,
    }))
  return [
    statTiles([
      { label: 'Clicks', value: formatCount(s.clicks), hint: `by people, ${period.toLowerCase()}` },
      { label: 'Uniques', value: formatCount(s.uniques), hint: 'visitors, counted per day' },
      {
        label: 'Dark',
        value: formatCount(s.dark),
        hint: 'private: no referrer, in-app, messaging, email',
        tone: 'dark',
      },
      { label: 'Public', value: formatCount(s.public), hint: 'social, search, referral', tone: 'public' },
      { label: 'Dark share', value: formatShare(s.darkShare), hint: 'dark ÷ all clicks', tone: 'dark' },
      { label: 'Shares seen', value: formatCount(s.previews), hint: 'link previews drawn by apps' },
    ]),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'series-title' },
      h('h2', { id: 'series-title' }, 'Clicks over time'),
      darkPublicLegend(),
      darkPublicChart(s.series, {
        caption: `Clicks per ${s.interval}, dark and public, ${period.toLowerCase()}`,
        interval: s.interval,
      }),
    ),
    h(
      'div',
      { class: 'grid' },
      breakdownTable({ caption: 'How they arrived', rows: mediumRows, empty: 'No clicks in this period.' }),
      breakdownTable({
        caption: 'By app (in-app browsers and referrers)',
        rows: inAppRows,
        empty: 'No app recognised yet.',
      }),
      breakdownTable({
        caption: 'Shares seen: link previews by app',
        rows: previewRows,
        empty: 'No app has drawn a preview yet.',
        unit: 'previews',
      }),
      breakdownTable({ caption: 'Devices', rows: dimensionRows(s.byDevice), empty: 'No clicks in this period.' }),
      breakdownTable({ caption: 'Browsers', rows: dimensionRows(s.byBrowser), empty: 'No clicks in this period.' }),
      breakdownTable({ caption: 'Operating systems', rows: dimensionRows(s.byOs), empty: 'No clicks in this period.' }),
      rules.length || Object.keys(s.byRule).length
        ? breakdownTable({
            caption: 'Clicks by rule',
            rows: ruleRows(s.byRule, rules),
            empty: 'No clicks in this period.',
          })
        : null,
    ),
    h(
      'div',
      { class: 'grid' },
      breakdownTable({
        caption: 'Countries',
        rows: Object.entries(s.byCountry).map(([c, n]) => ({ label: countryName(c), value: n, hint: c })),
        empty: 'No clicks in this period.',
      }),
      breakdownTable({
        caption: 'Cities',
        rows: Object.entries(s.byCity ?? {}).map(([place, n]) => cityRow(place, n)),
        empty: 'No city known in this period (cities need a GEOIP_DB City database).',
      }),
    ),
    declaredObservedTable([{ channel: declared, byMedium: s.byMedium }], {
      caption: 'Declared channel × observed medium',
    }),
    lossLedger(s),
  ]
}
