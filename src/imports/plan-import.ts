import { domainToASCII } from 'node:url'
import { customCodeProblem, RESERVED_CODES } from '../links/link-code.ts'
import { Title, Topic } from '../links/link-schemas.ts'
import { toSafeText } from '../links/unsafe-text.ts'
import { checkTargetUrl, type UrlPolicy } from '../links/url-policy.ts'
import type { ImportRecord } from './import-record.ts'

/** A link that passed every check of its own and may be created (if its code is free). */
export type Candidate = {
  line: number
  code: string
  url: string
  title: string | null
  topics: string[]
  createdAt: Date | null
  expiresAt: Date | null
  clicks: number | null
}
export type Conflict = { line: number; code: string | null; reason: string }
export type Warning = { line: number; code: string | null; message: string }

const MAX_TOPICS = 20
// Old tools' sequential codes start at one character (YOURLS: 1, 2, … z, 10): the redirect serves codes of
// 1 to 64 characters, so these keep working; codes Umbra mints itself stay 3+ (link-code.ts).
const SHORT_LEGACY_CODE = /^[A-Za-z0-9_-]{1,2}$/

/** Why an imported code cannot be used, or null: the custom-code rule, with one- and two-character codes allowed. */
export function importedCodeProblem(code: string): string | null {
  if (RESERVED_CODES.has(code.toLowerCase())) return `"${code}" is reserved`
  return SHORT_LEGACY_CODE.test(code) ? null : customCodeProblem(code)
}

/** A tag as a topic: lower case, characters a topic cannot hold made '-'; null when nothing usable is left. */
export function tagToTopic(tag: string): string | null {
  const slug = tag
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _.&+-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .replace(/[\s-]+$/u, '')
    .slice(0, 64)
    .trim()
  const parsed = Topic.safeParse(slug)
  return parsed.success ? parsed.data : null
}

/**
 * A date as exports write it: ISO 8601 (also Bitly's "+0000" offsets), YOURLS's "YYYY-MM-DD HH:MM:SS" (UTC),
 * a bare date (midnight UTC), or Unix seconds. Null when it is none of these.
 */
export function parseExportDate(raw: string | number): Date | null {
  if (typeof raw === 'number') return Number.isFinite(raw) && raw > 0 ? new Date(raw < 1e11 ? raw * 1000 : raw) : null
  let s = raw.trim()
  if (/^\d{9,13}$/.test(s)) return parseExportDate(Number(s))
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00Z'
  s = s.replace(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})/, '$1T$2').replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/i.test(s)) return null
  if (!/(Z|[+-]\d{2}:\d{2})$/i.test(s)) s += 'Z'
  const ms = Date.parse(s)
  return Number.isNaN(ms) ? null : new Date(ms)
}

/** A click total: a whole number ≥ 0, thousands separators allowed ("1,234"). */
export function parseClickTotal(raw: string | number): number | null {
  const n =
    typeof raw === 'number'
      ? raw
      : /^\d{1,3}([,_ ]\d{3})*$|^\d+$/.test(raw.trim())
        ? Number(raw.trim().replace(/[,_ ]/g, ''))
        : NaN
  return Number.isSafeInteger(n) && n >= 0 ? n : null
}

export type PlanOptions = {
  urlPolicy: UrlPolicy /** Only links on this host are imported (others are reported). */
  domain?: string | null
  now?: number
}

/**
 * Checks every record on its own and against the others of the file: the pure half of an import. What the
 * database already holds is decided by runImport.
 */
export function planRecords(records: readonly ImportRecord[], options: PlanOptions) {
  const planner = createPlanner(options)
  for (const r of records) planner.add(r)
  return planner.plan
}

/** planRecords one record at a time, so a large file can be checked in slices between other requests. */
export function createPlanner(options: PlanOptions) {
  const now = options.now ?? Date.now()
  const onlyDomain = options.domain ? domainToASCII(options.domain.toLowerCase()) : null
  const plan = {
    candidates: [] as Candidate[],
    duplicates: [] as Candidate[],
    conflicts: [] as Conflict[],
    warnings: [] as Warning[],
  }
  const firstByCode = new Map<string, Candidate>()

  function add(r: ImportRecord) {
    const refuse = (reason: string) => void plan.conflicts.push({ line: r.line, code: r.code, reason })
    const warn = (message: string) => void plan.warnings.push({ line: r.line, code: r.code, message })
    if (r.refusal) return refuse(r.refusal)
    if (!r.code) return refuse('code: missing')
    if (onlyDomain && r.domain && domainToASCII(r.domain) !== onlyDomain)
      return refuse(`on domain ${r.domain}: only links on ${options.domain} are imported`)
    const codeProblem = importedCodeProblem(r.code)
    if (codeProblem) return refuse(`code: ${codeProblem}`)
    if (!r.url) return refuse('url: missing')
    const verdict = checkTargetUrl(r.url, options.urlPolicy)
    if (!verdict.ok) return refuse(`url: ${verdict.reason}`)

    let title: string | null = null
    if (r.title) {
      const cleaned = toSafeText(r.title).trim()
      if (cleaned.length > 300) warn('title: cut to 300 characters')
      title = Title.safeParse(cleaned.slice(0, 300)).data ?? null
    }
    const topics: string[] = []
    for (const tag of r.tags) {
      const topic = tagToTopic(tag)
      if (!topic) warn(`tag "${tag}": no usable topic in it, left out`)
      else if (!topics.includes(topic)) topics.push(topic)
    }
    if (topics.length > MAX_TOPICS) warn(`tags: only the first ${MAX_TOPICS} are kept as topics`)
    const date = (field: string, raw: string | number | null) => {
      if (raw === null || raw === '') return null
      const d = parseExportDate(raw)
      if (!d) warn(`${field}: "${raw}" is not a date, left out`)
      return d
    }
    const createdAt = date('created_at', r.createdAt)
    const expiresAt = date('expires_at', r.expiresAt)
    if (expiresAt && expiresAt.getTime() <= now)
      warn(`expired on ${expiresAt.toISOString()}: imported as expired (its short link answers 410)`)
    let clicks: number | null = null
    if (r.clicks !== null && r.clicks !== '') {
      clicks = parseClickTotal(r.clicks)
      if (clicks === null) warn(`clicks: "${r.clicks}" is not a click total, left out`)
    }

    const candidate: Candidate = {
      line: r.line,
      code: r.code,
      url: verdict.url,
      title,
      topics: topics.slice(0, MAX_TOPICS),
      createdAt,
      expiresAt,
      clicks,
    }
    const first = firstByCode.get(r.code)
    if (!first) {
      firstByCode.set(r.code, candidate)
      plan.candidates.push(candidate)
    } else if (first.url !== candidate.url)
      refuse(`code: already used at line ${first.line} of this file, for another target`)
    else plan.duplicates.push(candidate)
  }
  return { add, plan }
}
