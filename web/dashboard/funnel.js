import { apiUrl } from './api.js'
import { breakdownTable } from './breakdown.js'
import { h } from './element.js'
import { formatCount } from './format.js'
import { appLabel, channelLabel, MEDIUMS, mediumLabel } from './labels.js'

/**
 * GET /api/v1/reports/funnel's answer (src/funnel/funnel-report.ts).
 * @typedef {Record<string, number>} Counts
 * @typedef {{
 *   shares: { total: number, byChannel: Counts },
 *   sharesSeen: { total: number, byApp: Counts, nativeByApp: Counts },
 *   clicks: { total: number, dark: number, public: number, byMedium: Counts },
 *   addressBar: { arrivals: number, byGeneration: Counts },
 *   arrivals: { total: number, dark: number, public: number, viaShortLink: number, viaAddressBar: number, unattributed: number, byMedium: Counts, byApp: Counts },
 *   virality: number | null,
 * }} FunnelReport
 */

/** Share channels as a marketer names them; copy capture and the phone's share sheet are not apps. */
const shareChannelLabel = (/** @type {string} */ id) =>
  id === 'copy_text' ? 'Copied passage' : id === 'native' ? 'Share… (phone’s share sheet)' : channelLabel(id)

const ratio = new Intl.NumberFormat('en', { maximumFractionDigits: 2 })

/**
 * The share funnel of a content or topic, left to right: share actions → shares seen → clicks → reshares,
 * each stage a number with its bar and one line of meaning; then each stage broken down (by channel, app,
 * medium, generation). Read from GET /api/v1/reports/funnel.
 * @param {FunnelReport} report
 * @param {{ query: Record<string, string>, subject: string, note?: boolean }} opts query: content= or topic= and
 *   the range; note: false where the page explains in-app already (the declared × observed table)
 */
export function funnelSection(report, { query, subject, note = true }) {
  const stages = [
    {
      key: 'shares',
      label: 'Share actions',
      value: report.shares.total,
      hint: 'share buttons pressed and passages copied on your pages',
    },
    { key: 'seen', label: 'Shares seen', value: report.sharesSeen.total, hint: 'link previews apps drew in chats' },
    { key: 'clicks', label: 'Clicks', value: report.clicks.total, hint: 'people who opened a share kit’s short link' },
    {
      key: 'reshares',
      label: 'Reshares',
      value: report.addressBar.arrivals,
      hint: 'readers who came through another reader’s copied page address',
    },
  ]
  const max = Math.max(1, ...stages.map((s) => s.value))
  const a = report.arrivals
  const empty = stages.every((s) => s.value === 0) && a.total === 0
  return h(
    'section',
    { class: 'card funnel', 'aria-labelledby': 'funnel-title' },
    h('h2', { id: 'funnel-title' }, 'Share funnel'),
    empty
      ? h(
          'p',
          { class: 'muted' },
          `No share actions or page arrivals for ${subject} in this period. The page tag (widget.js) on your `,
          'article pages counts them; see “What the page tag collects” in the README.',
        )
      : [
          h(
            'ol',
            { class: 'funnel-stages' },
            stages.map((s) =>
              h(
                'li',
                { class: 'funnel-stage', 'data-stage': s.key },
                h('span', { class: 'funnel-label' }, s.label),
                h('span', { class: 'funnel-value' }, formatCount(s.value)),
                h(
                  'span',
                  { class: 'funnel-bar', 'aria-hidden': 'true' },
                  h('span', { class: 'bar neutral', style: { width: `${(100 * s.value) / max}%` } }),
                ),
                h('span', { class: 'funnel-hint' }, s.hint),
              ),
            ),
          ),
          h(
            'p',
            { class: 'funnel-summary' },
            report.virality === null
              ? 'Virality: no share actions yet, so nothing to divide by.'
              : `Virality ${ratio.format(report.virality)}: clicks and reshares per share action.`,
            ' ',
            `Page arrivals: ${formatCount(a.total)} — ${formatCount(a.viaShortLink)} through a short link, `,
            `${formatCount(a.viaAddressBar)} through a copied address, ${formatCount(a.unattributed)} dark that no `,
            `button or address saw (unattributed), ${formatCount(a.public)} public.`,
          ),
          h(
            'div',
            { class: 'grid' },
            breakdownTable({
              caption: 'Share actions by channel',
              unit: 'share actions',
              rows: entries(report.shares.byChannel).map(([id, n]) => ({ label: shareChannelLabel(id), value: n })),
              empty: 'No share button pressed.',
            }),
            breakdownTable({
              caption: 'Shares seen by app',
              unit: 'previews',
              rows: entries(report.sharesSeen.byApp).map(([id, n]) => ({ label: appLabel(id), value: n })),
              empty: 'No link preview drawn.',
            }),
            // The phone's share sheet never says which app was picked; its link's preview fetches do.
            entries(report.sharesSeen.nativeByApp).length
              ? breakdownTable({
                  caption: 'Share… resolved to apps',
                  unit: 'previews',
                  rows: entries(report.sharesSeen.nativeByApp).map(([id, n]) => ({ label: appLabel(id), value: n })),
                })
              : null,
            breakdownTable({
              caption: 'Clicks by medium',
              rows: entries(report.clicks.byMedium).map(([id, n]) => ({
                label: mediumLabel(id),
                value: n,
                tone: MEDIUMS[id]?.dark ? 'dark' : 'public',
                hint: MEDIUMS[id]?.hint,
              })),
              empty: 'No clicks.',
            }),
            breakdownTable({
              caption: 'Page arrivals by medium',
              unit: 'arrivals',
              rows: entries(a.byMedium).map(([id, n]) => ({
                label: mediumLabel(id),
                value: n,
                tone: MEDIUMS[id]?.dark ? 'dark' : 'public',
                hint: MEDIUMS[id]?.hint,
              })),
              empty: 'No page arrivals.',
            }),
            breakdownTable({
              caption: 'Reshares by generation',
              unit: 'arrivals',
              rows: entries(report.addressBar.byGeneration).map(([g, n]) => ({
                label: `${ordinal(Number(g))} generation`,
                hint: g === '1' ? 'opened from a reader who arrived without a token' : 'a reshare of a reshare',
                value: n,
              })),
              empty: 'No copied page address opened.',
            }),
          ),
          note ? inAppNote() : null,
        ],
    h(
      'p',
      null,
      h(
        'a',
        { class: 'button quiet', href: apiUrl('/api/v1/reports/funnel', { ...query, format: 'csv' }) },
        'Download the funnel (CSV)',
      ),
    ),
  )
}

/**
 * Why a link shared on a public network can read as mostly dark: the app's own browser sends no referrer,
 * and the reader may have received it in the app's private messages. Shown wherever dark shares are.
 */
export function inAppNote() {
  return h(
    'p',
    { class: 'muted small note', 'data-note': 'in-app' },
    'Why is a Facebook or Instagram link partly dark? A link opened inside an app’s own browser (in-app) ',
    'arrives without a referrer, whether it came from a public post or a private message; Umbra cannot tell ',
    'the two apart, so in-app counts as dark.',
  )
}

const entries = (/** @type {Counts} */ c) => Object.entries(c).filter(([, n]) => n > 0)
const ordinal = (/** @type {number} */ n) =>
  `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`
