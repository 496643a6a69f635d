import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'

let config
try {
  config = loadConfig(process.env)
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  console.error(`umbra: ${err.message}`)
  process.exit(1)
}

const app = await buildApp(config)

// SIGTERM/SIGINT: stop accepting, finish in-flight requests, flush clicks, exit 0.
closeWithGrace({ delay: 20_000 }, async ({ err, signal }) => {
  if (err) app.log.error({ err }, 'closing after an error')
  else app.log.info({ signal }, 'closing')
  await app.close()
})

await app.listen({ host: config.host, port: config.port })
app.log.info(
  { database: config.databaseUrl ? 'postgres' : `embedded (${config.dataDir})`, publicUrl: config.publicUrl },
  `umbra listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${(app.server.address() as { port: number }).port}`,
)
