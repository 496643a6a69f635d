import { chmodSync, mkdirSync } from 'node:fs'

/**
 * DATA_DIR holds the click journal (visitor hashes, user agents), the server secret and the embedded cluster:
 * its directories are 0700 and its files 0600, whatever the umask the process was started with. Modes are set
 * on what Umbra creates (a global umask would also reach the embedded Postgres, which sets its own).
 */
export const PRIVATE_FILE_MODE = 0o600
export const PRIVATE_DIR_MODE = 0o700

/** mkdir -p with 0700 for every directory made, and the last one made 0700 even if it was there (older installs). */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  chmodSync(dir, PRIVATE_DIR_MODE)
}
