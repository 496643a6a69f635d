import type { Config } from '../config.ts'
import { redactUrl } from './startup-failure.ts'

const FIRST_KEY =
  './bin/umbra keys create --scope links:read,links:write,stats:read,shares:write,keys:admin --name admin'

/** The lines logged once the server listens: where it is, where the dashboard and the docs are, what to do next. */
export function startupLines(
  config: Pick<Config, 'host' | 'databaseUrl' | 'dataDir' | 'publicUrl' | 'adminApiKey'>,
  port: number,
  /** The first-run setup URL (no account and no ADMIN_API_KEY yet), from the people plugin. */
  setupUrl: string | null = null,
): [Record<string, unknown>, string][] {
  const host =
    config.host === '0.0.0.0' || config.host === '::'
      ? 'localhost'
      : config.host.includes(':')
        ? `[${config.host}]`
        : config.host
  const base = `http://${host}:${port}`
  const database = config.databaseUrl ? `postgres (${redactUrl(config.databaseUrl)})` : `embedded (${config.dataDir})`
  const next = setupUrl
    ? `next: open ${setupUrl} to create the owner account (the link works once, until a restart)`
    : config.adminApiKey
      ? `next: sign in at ${base}/dashboard with ADMIN_API_KEY, and make keys for your apps with ./bin/umbra keys create`
      : `next: sign in at ${base}/dashboard (./bin/umbra users create --email … --role owner makes an account; ${FIRST_KEY} a key)`
  return [
    [{ database, publicUrl: config.publicUrl }, `umbra listening on ${base}`],
    [{}, `dashboard ${base}/dashboard · API docs ${base}/docs`],
    [{}, next],
  ]
}
