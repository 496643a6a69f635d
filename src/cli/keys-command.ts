import { parseArgs } from 'node:util'
import { findApiKeysByRef, listApiKeys, revokeApiKey, type ApiKeyRow } from '../api/api-key-repository.ts'
import { createApiKey } from '../api/create-api-key.ts'
import { SCOPES, type Scope } from '../api/principal.ts'
import { loadConfig } from '../config.ts'
import { createPool, type Pool } from '../infra/database.ts'
import { runMigrations } from '../infra/migrate.ts'
import { Problem } from '../infra/problem.ts'

const USAGE = `usage:
  umbra keys create --scope links:write,stats:read --name cms [--expires 2027-01-01]
  umbra keys create --origin https://site.example [--origin …] --name widget [--expires …]   (a publishable pk_ key)
  umbra keys list [--all]
  umbra keys revoke <id|prefix>
Scopes: ${SCOPES.join(', ')}. The secret is printed once, by create; Umbra keeps only its sha-256.
A revoked key stops working within KEY_CACHE_TTL_MS (5 s by default) on running instances.`

type Print = (line: string) => void

function parseScopes(raw: string | undefined): Scope[] {
  if (!raw) return []
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (!(SCOPES as readonly string[]).includes(s))
        throw new Error(`--scope: "${s}" is not one of ${SCOPES.join(', ')}`)
      return s as Scope
    })
}

const describeKey = (k: ApiKeyRow) =>
  [
    k.id.padStart(4),
    k.prefix.padEnd(13),
    k.kind.padEnd(11),
    k.revoked_at ? 'revoked' : k.expires_at && k.expires_at.getTime() <= Date.now() ? 'expired' : 'active ',
    `${k.name} [${k.scopes.join(',')}]`,
    k.origins.length ? `origins ${k.origins.join(' ')}` : '',
    k.expires_at ? `expires ${k.expires_at.toISOString()}` : '',
    k.last_used_at ? `last used ${k.last_used_at.toISOString()}` : 'never used',
  ]
    .filter(Boolean)
    .join('  ')

async function create(db: Pick<Pool, 'query'>, argv: string[], print: Print) {
  const { values } = parseArgs({
    args: argv,
    options: {
      scope: { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string' },
      origin: { type: 'string', multiple: true },
    },
  })
  if (!values.name) throw new Error('--name is required (what the key is for, e.g. cms)')
  const origins = values.origin ?? []
  const { row, secret } = await createApiKey(db, {
    kind: origins.length ? 'publishable' : 'secret',
    name: values.name,
    scopes: parseScopes(values.scope),
    origins,
    expiresAt: values.expires ?? null,
  })
  print(describeKey(row))
  print(`secret (shown this once, store it now): ${secret}`)
}

async function list(db: Pick<Pool, 'query'>, argv: string[], print: Print) {
  const { values } = parseArgs({ args: argv, options: { all: { type: 'boolean' } } })
  const rows = await listApiKeys(db, { limit: 10_000, includeRevoked: values.all ?? false })
  if (!rows.length) print(values.all ? 'no keys' : 'no active keys (--all shows revoked ones)')
  for (const row of rows) print(describeKey(row))
}

async function revoke(db: Pick<Pool, 'query'>, argv: string[], print: Print) {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} })
  const ref = positionals[0]
  if (!ref || positionals.length > 1) throw new Error('name one key: umbra keys revoke <id|prefix>')
  const found = await findApiKeysByRef(db, ref)
  if (found.length === 0) throw new Error(`no key has the id or prefix "${ref}"`)
  if (found.length > 1) throw new Error(`"${ref}" matches keys ${found.map((k) => k.id).join(', ')}: revoke by id`)
  const row = await revokeApiKey(db, found[0].id)
  if (row) print(`revoked ${describeKey(row)}`)
}

const SUBCOMMANDS = { create, list, revoke }

/** `umbra keys <create|list|revoke>` against an open database; problems become plain errors. */
export async function runKeysCommand(db: Pick<Pool, 'query'>, argv: string[], print: Print = console.log) {
  const [name, ...rest] = argv
  const sub = name && Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name as keyof typeof SUBCOMMANDS] : undefined
  if (!sub) throw new Error(`${name ? `unknown subcommand "${name}"` : 'a subcommand is needed'}\n${USAGE}`)
  try {
    await sub(db, rest, print)
  } catch (err) {
    if (err instanceof Problem) throw new Error(err.detail ?? err.title)
    throw err
  }
}

export default async function keys(argv: string[]) {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return console.log(USAGE)
  const config = loadConfig(process.env)
  const pool = await createPool(config)
  try {
    await runMigrations(pool)
    await runKeysCommand(pool, argv)
  } finally {
    await pool.end()
  }
}
