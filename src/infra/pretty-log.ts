import pretty from 'pino-pretty'
import type { LogStream } from './logger.ts'

/** Readable log lines for a terminal: local time, level in colour, no pid or hostname. Loaded only for a TTY. */
export function prettyLogStream(): LogStream {
  return pretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true })
}
