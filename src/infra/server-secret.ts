import { randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config.ts'

export const SECRET_FILE = 'secret.key'
const MIN_SECRET_CHARS = 32

/**
 * The server secret: an HMAC key for whatever a database dump must not let anyone recompute (dashboard
 * session key references, visitor salts). It is never stored in Postgres. SECRET_KEY when set (give every
 * instance the same one); otherwise DATA_DIR/secret.key, made once (32 random bytes as 64 hex characters,
 * mode 0600). The secret is the text itself, so the file's content works unchanged as SECRET_KEY elsewhere.
 */
export function loadServerSecret(config: Pick<Config, 'secretKey' | 'dataDir'>): Buffer {
  if (config.secretKey !== undefined) return Buffer.from(config.secretKey, 'utf8')
  const path = join(config.dataDir, SECRET_FILE)
  const secret = (readIfExists(path) ?? create(config.dataDir, path)).trim()
  if (secret.length < MIN_SECRET_CHARS)
    throw new Error(
      `${path} holds fewer than ${MIN_SECRET_CHARS} characters: delete it to make a new secret, or set SECRET_KEY`,
    )
  return Buffer.from(secret, 'utf8')
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

function create(dataDir: string, path: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  // Written aside, then linked into place (which fails if the file exists): a reader never sees it half-written,
  // and of two processes starting at once on one DATA_DIR, both end up with the first one's secret.
  const draft = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(draft, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 })
    linkSync(draft, path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  } finally {
    rmSync(draft, { force: true })
  }
  return readFileSync(path, 'utf8')
}
