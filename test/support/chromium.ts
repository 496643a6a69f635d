import { existsSync } from 'node:fs'

/** Debian's Chromium, driven by playwright-core; CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-gpu']

/**
 * A publisher site served on 127.0.0.1 but reached by a name (`site.test`): Umbra refuses loopback targets,
 * so the pages a widget shares need a real-looking host. The names resolve to 127.0.0.1 inside Chromium, and
 * their origins count as secure (the clipboard needs one), as 127.0.0.1 itself would.
 */
export function chromiumArgsForSites(port: number, names: readonly string[]): string[] {
  return [
    ...CHROMIUM_ARGS,
    `--host-resolver-rules=${names.map((n) => `MAP ${n} 127.0.0.1`).join(', ')}`,
    `--unsafely-treat-insecure-origin-as-secure=${names.map((n) => `http://${n}:${port}`).join(',')}`,
  ]
}

/**
 * Whether the browser tests of `what` can run. Without Chromium they are skipped loudly, and with
 * CI=true that is a failure: a green CI must mean the browser tests ran.
 */
export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM)) return true
  const message = `no Chromium at ${CHROMIUM}: ${what} NOT tested in a browser (apt-get install chromium, or set CHROMIUM_PATH)`
  if (process.env.CI === 'true') throw new Error(`${message}; CI must run the browser tests`)
  console.warn(`\n!!!!!!!!\n!!! ${message}\n!!! SKIPPED\n!!!!!!!!\n`)
  return false
}
