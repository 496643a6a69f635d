import { once } from 'node:events'
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { type ClickInput, clickInputOf } from '../clicks/classify/classification.ts'
import {
  classifyContextFor,
  createClickClassifier,
  type ClickClassifier,
} from '../clicks/classify/create-click-classifier.ts'
import { loadConfig } from '../config.ts'

export const USAGE = `usage: umbra classify < clicks.jsonl > labels.jsonl
Reads one {"ua", "referrer", "headers"?} object a line and writes one
{"kind", "medium", "app", "visibility", "reason"} object a line, in order.
A line that cannot be read gets {"error": "..."} and the rest go on.
PUBLIC_URL names our own host (referrers from it are "internal");
CLASSIFIER_EXTRA adds a deployment's own tokens and hosts (see README).`

export default async function classify(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) return void console.log(USAGE)
  if (argv.length > 0) throw new Error(`unexpected argument ${argv[0]}\n${USAGE}`)
  const config = loadConfig(process.env)
  const classifier = createClickClassifier(classifyContextFor(config))
  // A reader that stops early (| head) closes the pipe: that ends the command, it is not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    process.exit(0)
  })
  await classifyLines(process.stdin, process.stdout, classifier)
}

/** Streams JSONL clicks to JSONL labels, one output line per non-blank input line, in order. */
export async function classifyLines(input: Readable, output: Writable, classifier: ClickClassifier): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity })
  let lineNumber = 0
  for await (const line of lines) {
    lineNumber++
    if (line.trim() === '') continue
    if (!output.write(`${labelLine(line, lineNumber, classifier)}\n`)) await once(output, 'drain')
  }
}

function labelLine(line: string, lineNumber: number, classifier: ClickClassifier): string {
  const parsed = parseClickLine(line)
  if (typeof parsed === 'string') return JSON.stringify({ error: `line ${lineNumber}: ${parsed}` })
  const { kind, medium, app, visibility, reason } = classifier(parsed)
  return JSON.stringify({ kind, medium, app, visibility, reason })
}

/** The click on one line, or why it is not one. */
export function parseClickLine(line: string): ClickInput | string {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (error) {
    return `not JSON (${(error as Error).message})`
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'expected an object {"ua", "referrer", "headers"?}'
  const { ua, referrer, headers } = value as Record<string, unknown>
  if (typeof ua !== 'string') return '"ua" must be a string'
  if (referrer !== undefined && referrer !== null && typeof referrer !== 'string') return '"referrer" must be a string'
  const readHeaders = parseHeaders(headers)
  if (typeof readHeaders === 'string') return readHeaders
  return clickInputOf(ua, referrer ?? '', readHeaders)
}

function parseHeaders(headers: unknown): Record<string, string> | undefined | string {
  if (headers === undefined || headers === null) return undefined
  if (typeof headers !== 'object' || Array.isArray(headers)) return '"headers" must be an object of strings'
  const byLowerName: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') return `header "${name}" must be a string`
    byLowerName[name.toLowerCase()] = value
  }
  return byLowerName
}
