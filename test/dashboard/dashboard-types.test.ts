import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// The dashboard ships plain ES modules with JSDoc types and no build step; this is its type check
// (the root tsconfig covers Node code only, without the DOM).
describe('dashboard sources', () => {
  it('type-check as browser JavaScript (tsc -p web/dashboard)', async () => {
    const result = await promisify(execFile)('npx', ['tsc', '-p', 'web/dashboard'], { encoding: 'utf8' }).catch(
      (err: { stdout: string; code: number }) => err,
    )
    expect('stdout' in result ? result.stdout : '').toBe('')
  }, 60_000)
})
