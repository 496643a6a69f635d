import { defineConfig } from 'vitest/config'
import LoadSensitiveLast from './test/support/load-sensitive-last.ts'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    sequence: { sequencer: LoadSensitiveLast },
  },
})
