import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { TestApp } from './test-app.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** `./bin/umbra <args>` beside a running test server, on its DATA_DIR (the embedded database), stdin given. */
export function umbraBeside(
  t: TestApp,
  args: string[],
  stdin = '',
): Promise<{ status: number | null; out: string; err: string }> {
  const child = spawn(`${ROOT}bin/umbra`, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: '',
      DATA_DIR: t.config.dataDir,
      PUBLIC_URL: t.config.publicUrl,
      LOG_LEVEL: 'warn',
    },
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (err += d))
  child.stdin.end(stdin)
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, out, err })))
}
