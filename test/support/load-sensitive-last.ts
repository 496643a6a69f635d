import { BaseSequencer, type TestSpecification } from 'vitest/node'

// Tests that measure the event loop: run after the others, when fewer test files load the machine.
const LOAD_SENSITIVE = ['/test/event-loop-stall.test.ts']

/** Vitest's own order, with the load-sensitive files moved to the end. */
export default class LoadSensitiveLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const isLast = (f: TestSpecification) => LOAD_SENSITIVE.some((name) => f.moduleId.endsWith(name))
    return [...sorted.filter((f) => !isLast(f)), ...sorted.filter(isLast)]
  }
}
