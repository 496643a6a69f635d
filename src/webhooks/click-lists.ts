/** A claimed `click` event as the delivery reads it: its run, or the clicks it keeps (retention, pre-042 events). */
export type ClickRun = {
  event_id: string
  kept_clicks: string | null
  click_first_id: string | null
  click_last_id: string | null
  click_first_at: string | null
  click_last_at: string | null
}

/** A link's part of a click as row_to_json writes it (without braces) when the link was deleted since. */
const NO_LINK = '"code":null,"contentId":null,"topics":[],"campaign":null,"channel":null'

/** Two integers as Postgres writes bigints (no leading zeros), in numeric order: no BigInt per click. */
export function compareIds(a: string, b: string): number {
  const negative = a[0] === '-'
  if (negative !== (b[0] === '-')) return negative ? -1 : 1
  const order = a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
  return negative ? -order : order
}

/** Microseconds since the epoch of an ISO time written to the microsecond (`…:SS.ffffffZ`, CLICK_RUN_COLUMNS). */
export const isoMicros = (iso: string) => Date.parse(`${iso.slice(0, 19)}Z`) * 1000 + Number(iso.slice(20, 26))

/** toISOString of epoch milliseconds, the Date made once per second: clicks come in time order. */
function isoMillis() {
  let second = Number.NaN
  let prefix = ''
  return (ms: number) => {
    const s = Math.floor(ms / 1000)
    if (s !== second) [second, prefix] = [s, new Date(s * 1000).toISOString().slice(0, 20)]
    const m = ms - s * 1000
    return `${prefix}${m < 10 ? '00' : m < 100 ? '0' : ''}${m}Z`
  }
}

type Bounds = { id: string; first: string; last: string; firstUs: number; lastUs: number; clicks: string[] }

/**
 * The click list of each run (by event id) from the clicks' lines in id order (`id link verdict epochµs
 * countryJSON`) and the links' and verdicts' JSON objects by id, braces left out: each click goes to the
 * run whose id and time ranges hold it, written byte for byte as row_to_json wrote it (keys in order; `at`
 * to the millisecond, truncated as to_char's MS is, which toISOString writes alike). Runs without clicks
 * are left out.
 */
export function clickListsOf(
  runs: readonly ClickRun[],
  lines: string,
  links: ReadonlyMap<string, string>,
  verdicts: ReadonlyMap<string, string>,
): Map<string, string> {
  const bounds: Bounds[] = runs
    .map((r) => ({
      id: r.event_id,
      first: r.click_first_id as string,
      last: r.click_last_id as string,
      firstUs: isoMicros(r.click_first_at as string),
      lastUs: isoMicros(r.click_last_at as string),
      clicks: [],
    }))
    .sort((a, b) => compareIds(a.first, b.first))
  // Runs of one batch never share ids; should two overlap, each click is checked against every run.
  const overlapping = bounds.some((b, i) => i > 0 && compareIds(b.first, bounds[i - 1].last) <= 0)
  const at = isoMillis()
  let next = 0
  for (let start = 0; start < lines.length; ) {
    let end = lines.indexOf('\n', start)
    if (end < 0) end = lines.length
    const a = lines.indexOf(' ', start)
    const b = lines.indexOf(' ', a + 1)
    const c = lines.indexOf(' ', b + 1)
    const d = lines.indexOf(' ', c + 1)
    const id = lines.slice(start, a)
    const us = Number(lines.slice(c + 1, d))
    let click: string | null = null
    for (let i = overlapping ? 0 : next; i < bounds.length; i++) {
      const run = bounds[i]
      if (!overlapping && compareIds(run.last, id) < 0) {
        next = i + 1
        continue
      }
      if (compareIds(run.first, id) <= 0 && compareIds(run.last, id) >= 0 && us >= run.firstUs && us <= run.lastUs) {
        if (click === null) {
          const linkId = lines.slice(a + 1, b)
          const verdictId = lines.slice(b + 1, c)
          const link = links.get(linkId) ?? NO_LINK
          const verdict = verdicts.get(verdictId) ?? ''
          click = `{"id":"${id}",${link},${verdict},"country":${lines.slice(d + 1, end)},"at":"${at(Math.floor(us / 1000))}"}`
        }
        run.clicks.push(click)
      }
      if (!overlapping) break
    }
    start = end + 1
  }
  const lists = new Map<string, string>()
  for (const run of bounds) if (run.clicks.length > 0) lists.set(run.id, `[${run.clicks.join(',')}]`)
  return lists
}
