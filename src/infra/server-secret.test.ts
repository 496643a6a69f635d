import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadServerSecret, SECRET_FILE } from './server-secret.ts'

const dirs: string[] = []
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'umbra-secret-'))
  dirs.push(dir)
  return join(dir, 'data') // not there yet, as on a first start
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('loadServerSecret', () => {
  it('without SECRET_KEY, makes DATA_DIR/secret.key once (32 random bytes, mode 0600) and keeps using it', () => {
    const dir = dataDir()
    const first = loadServerSecret({ secretKey: undefined, dataDir: dir })
    const file = join(dir, SECRET_FILE)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/)
    expect(first.toString()).toBe(readFileSync(file, 'utf8').trim())
    expect(loadServerSecret({ secretKey: undefined, dataDir: dir }).equals(first)).toBe(true)
    expect(loadServerSecret({ secretKey: undefined, dataDir: dataDir() }).equals(first)).toBe(false)
  })

  it('takes SECRET_KEY when set, and the file content works unchanged as SECRET_KEY on another instance', () => {
    const dir = dataDir()
    const fromFile = loadServerSecret({ secretKey: undefined, dataDir: dir })
    const elsewhere = loadServerSecret({
      secretKey: readFileSync(join(dir, SECRET_FILE), 'utf8').trim(),
      dataDir: dataDir(),
    })
    expect(elsewhere.equals(fromFile)).toBe(true)
  })

  it('refuses a secret file too short to be a secret', () => {
    const dir = dataDir()
    loadServerSecret({ secretKey: undefined, dataDir: dir })
    writeFileSync(join(dir, SECRET_FILE), 'short\n')
    expect(() => loadServerSecret({ secretKey: undefined, dataDir: dir })).toThrow(
      /secret\.key holds fewer than 32 characters/,
    )
  })
})
