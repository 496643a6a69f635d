import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ClickKind, Medium, Visibility } from './classify/classification.ts'
import { COPY_BINARY_HEADER, MAX_CLICK_ROW_BYTES, MAX_LANGUAGE, writeClickRow } from './click-row.ts'
import { createClickVerdict, type ClickVerdict } from './click-verdict.ts'

// Segments of the journal before migration 013: one COPY text line of the 16-column clicks a click.
const LEGACY_SEGMENT = /^(seg-\d+-\d+)\.tsv$/
const LEGACY_FIELDS = 16
const UNESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' }
const field = (s: string): string | null => (s === '\\N' ? null : s.includes('\\') ? s.replace(/\\(.)/g, (_, c: string) => UNESCAPES[c] ?? c) : s)

/**
 * Rewrites the text segments an older version left (it was stopped before writing them) as binary
 * segments with their verdicts, under the same names, so they replay like any other. A line cut short
 * by a crash is skipped, as it always was: its redirect was never answered.
 */
export function convertLegacySegments(dir: string): void {
  for (const file of readdirSync(dir)) {
    const name = LEGACY_SEGMENT.exec(file)?.[1]
    if (!name) continue
    const lines = readFileSync(join(dir, file), 'utf8').split('\n')
    const verdicts = new Map<string, ClickVerdict>()
    const rows = Buffer.alloc(COPY_BINARY_HEADER.length + lines.length * MAX_CLICK_ROW_BYTES)
    let end = COPY_BINARY_HEADER.copy(rows)
    for (const line of lines) {
      const f = line.split('\t')
      const [id, at] = [Number(f[0]), Date.parse(f[2])]
      if (f.length !== LEGACY_FIELDS || !Number.isSafeInteger(id) || !/^\d+$/.test(f[1]) || Number.isNaN(at) || !f[3]) continue
      const [kind, medium, app, visibility, referrer, userAgent, visitor, language, country, browser, os, device, requestedWith] = f.slice(3).map(field)
      const label = {
        kind: kind as ClickKind, medium: medium as Medium | null, app, visibility: visibility as Visibility | null, reason: '',
        browser: browser ?? '', os: os ?? '', device: device ?? '',
      }
      const key = JSON.stringify([userAgent, referrer, requestedWith, label])
      let verdict = verdicts.get(key)
      if (!verdict) verdicts.set(key, (verdict = createClickVerdict(userAgent ?? '', referrer ?? '', requestedWith ?? '', label)))
      const lang = language !== null && language.length <= MAX_LANGUAGE ? language : null
      end = writeClickRow(rows, end, id, Number(f[1]), at, verdict.idHigh, verdict.idLow, visitor === null ? null : Number(visitor), lang, country)
    }
    // Verdicts first, then the rows under a temporary name: a crash in between converts the file again.
    writeFileSync(join(dir, `${name}.verdicts`), [...verdicts.values()].map((v) => v.line).join(''))
    writeFileSync(join(dir, `${name}.bin.part`), rows.subarray(0, end))
    renameSync(join(dir, `${name}.bin.part`), join(dir, `${name}.bin`))
    rmSync(join(dir, file))
  }
}
