import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.ts'
import { loadConfig, type Config } from './config.ts'
import { startupFailure } from './infra/startup-failure.ts'
import { startupLines } from './infra/startup-message.ts'

// Every failure before the server listens is one line on stderr naming the cause and the fix, and exit 1;
// LOG_LEVEL=debug adds the stack.
function fail(err: unknown, config?: Config): never {
  console.error(`umbra: ${startupFailure(err, config)}`)
  if (err instanceof Error && (config?.logLevel === 'debug' || config?.logLevel === 'trace')) console.error(err.stack)
  process.exit(1)
}

let config: Config
try {
  config = loadConfig(process.env)
} catch (err) {
  fail(err)
}

// A terminal gets readable lines; anything else (a file, journald, a container log) gets JSON.
const logStream = process.stdout.isTTY ? (await import('./infra/pretty-log.ts')).prettyLogStream() : undefined
const app = await buildApp(config, { logStream }).catch((err) => fail(err, config))

// SIGTERM/SIGINT: stop accepting, finish in-flight requests, flush clicks, stop an embedded database, exit 0.
closeWithGrace({ delay: 20_000 }, async ({ err, signal }) => {
  if (err) app.log.error({ err }, 'closing after an error')
  else app.log.info({ signal }, 'closing')
  await app.close()
})

try {
  await app.listen({ host: config.host, port: config.port })
} catch (err) {
  await app.close().catch(() => {})
  fail(err, config)
}
const port = (app.server.address() as { port: number }).port
for (const [fields, line] of startupLines(config, port, app.people.setupUrl())) app.log.info(fields, line)
