import { rmSync } from 'node:fs'
import { afterAll } from 'vitest'

/** A list of directories removed after the file's tests: push each temporary directory a test makes. */
export function removedAfterAll(): string[] {
  const dirs: string[] = []
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })
  return dirs
}
