import { readFileSync } from 'node:fs'

/**
 * Node's arguments before the script, as `npm start` gives them (package.json is the one place they are
 * written), so fault tests and benchmarks run the server exactly as production does.
 */
export const NPM_START_NODE_ARGS: readonly string[] = (() => {
  const start: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).scripts.start
  const m = /^(?:exec )?node (.+) src\/server\.ts$/.exec(start)
  if (!m) throw new Error(`package.json start script is not "exec node … src/server.ts": ${start}`)
  return m[1].split(' ')
})()
