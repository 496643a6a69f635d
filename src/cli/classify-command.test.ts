import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const UMBRA = fileURLToPath(new URL('../../bin/umbra', import.meta.url))
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36'

type Run = { code: number | null; stdout: string; stderr: string }

/** Runs bin/umbra from an unrelated directory, as a user's shell would. */
function umbra(args: string[], stdin: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(UMBRA, args, { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '', ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

const lines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))

describe('umbra classify', () => {
  it('answers one JSON line per input line, in order', async () => {
    const input = [
      { ua: 'WhatsApp/2.24.6.77 A', referrer: '' },
      { ua: CHROME, referrer: 'https://mail.google.com/' },
      { ua: CHROME, referrer: '', headers: { 'X-Requested-With': 'com.instagram.android' } },
      { ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', referrer: '' },
    ]
    const run = await umbra(['classify'], `${input.map((click) => JSON.stringify(click)).join('\n')}\n`)
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(lines(run.stdout)).toEqual([
      { kind: 'preview', medium: null, app: 'whatsapp', visibility: null, reason: 'WhatsApp link-preview fetch' },
      {
        kind: 'human',
        medium: 'email',
        app: 'gmail',
        visibility: 'dark',
        reason: 'referrer mail.google.com is webmail',
      },
      { kind: 'human', medium: 'in_app', app: 'instagram', visibility: 'dark', reason: 'Instagram in-app browser' },
      { kind: 'bot', medium: null, app: null, visibility: null, reason: expect.stringMatching(/^automated client/) },
    ])
  })

  it('writes an error line for a bad line and keeps going', async () => {
    const run = await umbra(['classify'], `not json\n{"referrer":""}\n[1]\n{"ua":"${CHROME}","referrer":""}\n`)
    expect(run.code).toBe(0)
    const [notJson, noUa, notObject, good] = lines(run.stdout)
    expect(notJson.error).toMatch(/^line 1: not JSON/)
    expect(noUa.error).toBe('line 2: "ua" must be a string')
    expect(notObject.error).toMatch(/^line 3: expected an object/)
    expect(good).toMatchObject({ kind: 'human', medium: 'direct' })
  })

  it('skips blank lines and accepts a missing referrer', async () => {
    const run = await umbra(['classify'], `\n{"ua":"${CHROME}"}\n\n`)
    expect(lines(run.stdout)).toEqual([
      { kind: 'human', medium: 'direct', app: null, visibility: 'dark', reason: 'no referrer' },
    ])
  })

  it('takes our own host from PUBLIC_URL', async () => {
    const run = await umbra(['classify'], `{"ua":"${CHROME}","referrer":"https://sho.rt/abc"}\n`, {
      PUBLIC_URL: 'https://sho.rt',
    })
    expect(lines(run.stdout)).toEqual([
      { kind: 'human', medium: 'internal', app: null, visibility: 'public', reason: 'referrer sho.rt is our own host' },
    ])
  })

  it('adds the entries of CLASSIFIER_EXTRA to the rules', async () => {
    const extra = join(mkdtempSync(join(tmpdir(), 'umbra-cli-')), 'extra.json')
    writeFileSync(
      extra,
      JSON.stringify({
        inAppBrowsers: [{ token: 'AcmeApp', app: 'acme' }],
        referrerHosts: [{ host: 'hub.example.com', medium: 'messaging', app: 'hub' }],
      }),
    )
    const input = [{ ua: `${CHROME} AcmeApp/3.2` }, { ua: CHROME, referrer: 'https://hub.example.com/c/1' }]
      .map((c) => JSON.stringify(c))
      .join('\n')
    const run = await umbra(['classify'], `${input}\n`, { CLASSIFIER_EXTRA: extra })
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(lines(run.stdout)).toMatchObject([
      { kind: 'human', medium: 'in_app', app: 'acme' },
      { kind: 'human', medium: 'messaging', app: 'hub', visibility: 'dark' },
    ])
  })

  it('refuses a bad CLASSIFIER_EXTRA with one line naming the variable', async () => {
    const extra = join(mkdtempSync(join(tmpdir(), 'umbra-cli-')), 'extra.json')
    writeFileSync(extra, JSON.stringify({ bots: 'curl' }))
    const run = await umbra(['classify'], `{"ua":"${CHROME}"}\n`, { CLASSIFIER_EXTRA: extra })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^umbra classify: invalid configuration: CLASSIFIER_EXTRA: .*extra\.json: bots: .*\n$/)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('umbra', () => {
  it('prints usage and exits 2 for an unknown command', async () => {
    const run = await umbra(['frobnicate'], '')
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/unknown command "frobnicate"/)
    expect(run.stderr).toMatch(/classify/)
  })

  it('prints usage and exits 0 without a command', async () => {
    const run = await umbra([], '')
    expect(run).toMatchObject({ code: 0 })
    expect(run.stdout).toMatch(/^usage: umbra <command>/)
  })
})
