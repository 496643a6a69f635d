import type { Config } from '../config.ts'
import { ConfigError } from '../config.ts'
import { isDatabaseUnavailable } from './database.ts'

/** A database URL fit for a log line: the password never shows. */
export const redactUrl = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')

/** What went wrong at start, in one line that names the cause and the fix. */
export function startupFailure(err: unknown, config?: Pick<Config, 'databaseUrl' | 'port' | 'host'>): string {
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err)
  const code = (err as { code?: unknown } | null)?.code
  if (err instanceof ConfigError)
    return `${message} (fix that variable in the environment; README "Configuration" lists them all)`
  if (code === 'EADDRINUSE')
    return `port ${config?.port} on ${config?.host} is already in use: stop what listens there, or set PORT to another port`
  if (code === 'EACCES' && config)
    return `not allowed to listen on port ${config.port}: set PORT above 1023, or grant the capability`
  if (config?.databaseUrl) {
    const where = redactUrl(config.databaseUrl)
    if (isDatabaseUnavailable(err))
      return `cannot reach the database at ${where} (${describe(err)}): start Postgres there, or fix DATABASE_URL (unset it to use the embedded database)`
    if (code === '28P01' || code === '28000')
      return `the database at ${where} refused the login (${message}): fix the user or password in DATABASE_URL`
    if (code === '3D000')
      return `${message} at ${where}: create it (createdb), or fix the database name in DATABASE_URL`
  }
  return `could not start: ${message}`
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return describe(err.errors[0])
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' ? code : (err as Error).message
}
