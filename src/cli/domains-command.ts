import { parseArgs } from 'node:util'
import { CLI_ACTOR } from '../audit/record-audit.ts'
import { loadConfig } from '../config.ts'
import { addDomain, changeDomain, type DomainChanger, removeDomain } from '../domains/domain-changes.ts'
import { createDomainRegistry } from '../domains/domain-registry.ts'
import { type DomainRow, listDomains } from '../domains/domain-repository.ts'
import { createPool, type Pool } from '../infra/database.ts'
import { runMigrations } from '../infra/migrate.ts'
import { Problem } from '../infra/problem.ts'

const USAGE = `usage:
  umbra domains list
  umbra domains add <host> [--root-redirect https://brand.com/] [--not-found-url https://brand.com/404]
  umbra domains update <host> [--root-redirect <url>|''] [--not-found-url <url>|'']   ('' clears it)
  umbra domains remove <host>   (only a domain that holds no links)
Point the host's DNS at Umbra; TLS stays with the reverse proxy. Works while the server runs: every
instance picks the change up at once.`

type Print = (line: string) => void

const options = { 'root-redirect': { type: 'string' }, 'not-found-url': { type: 'string' } } as const
// The API's field names, as this command's flags: an error names what the user typed.
const FLAGS: Record<string, string> = { rootRedirect: '--root-redirect', notFoundUrl: '--not-found-url' }

/** One host and the flags; undefined when a flag is absent, null when given as '' (cleared). */
function readArgs(argv: string[]) {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true })
  if (positionals.length !== 1) throw new Error('name one host, e.g. go.brand.com')
  const flag = (v: string | undefined) => (v === undefined ? undefined : v.trim() === '' ? null : v.trim())
  return {
    host: positionals[0],
    rootRedirect: flag(values['root-redirect']),
    notFoundUrl: flag(values['not-found-url']),
  }
}

const describeDomain = (d: DomainRow) =>
  [
    d.host.padEnd(30),
    `${d.links} link${d.links === 1 ? '' : 's'}`.padEnd(10),
    `root ${d.rootRedirect ?? '(ROOT_REDIRECT)'}`,
    `not found ${d.notFoundUrl ?? '(404 page)'}`,
  ].join('  ')

async function list(changer: DomainChanger, db: Pool, argv: string[], print: Print) {
  parseArgs({ args: argv, options: {} })
  print(`${changer.defaultHost.padEnd(30)}  default (PUBLIC_URL)`)
  for (const d of await listDomains(db)) if (d.host !== changer.defaultHost) print(describeDomain(d))
}

async function add(changer: DomainChanger, _db: Pool, argv: string[], print: Print) {
  const { host, rootRedirect, notFoundUrl } = readArgs(argv)
  print(`added ${describeDomain(await addDomain(changer, { host, rootRedirect, notFoundUrl }))}`)
}

async function update(changer: DomainChanger, _db: Pool, argv: string[], print: Print) {
  const { host, ...patch } = readArgs(argv)
  if (patch.rootRedirect === undefined && patch.notFoundUrl === undefined)
    throw new Error('name --root-redirect or --not-found-url (an empty value clears it)')
  print(`updated ${describeDomain(await changeDomain(changer, host, patch))}`)
}

async function remove(changer: DomainChanger, _db: Pool, argv: string[], print: Print) {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} })
  if (positionals.length !== 1) throw new Error('name one host: umbra domains remove <host>')
  await removeDomain(changer, positionals[0])
  print(`removed ${positionals[0]}`)
}

const SUBCOMMANDS = { list, add, update, remove }

/** `umbra domains <list|add|update|remove>` against an open database; a refused change is a one-line error. */
export async function runDomainsCommand(db: Pool, publicUrl: string, argv: string[], print: Print = console.log) {
  const [name, ...rest] = argv
  const sub = name && Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name as keyof typeof SUBCOMMANDS] : undefined
  if (!sub) throw new Error(`${name ? `unknown subcommand "${name}"` : 'a subcommand is needed'}\n${USAGE}`)
  const changer = { db, defaultHost: createDomainRegistry(publicUrl).defaultHost, actor: CLI_ACTOR }
  try {
    await sub(changer, db, rest, print)
  } catch (err) {
    if (!(err instanceof Problem)) throw err
    const said = err.errors?.map((e) => (e.field in FLAGS ? `${FLAGS[e.field]}: ${e.message}` : e.message)).join('; ')
    throw new Error(said || err.detail || err.title)
  }
}

export default async function domains(argv: string[]) {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return console.log(USAGE)
  const config = loadConfig(process.env)
  const pool = await createPool(config)
  try {
    await runMigrations(pool)
    await runDomainsCommand(pool, config.publicUrl, argv)
  } finally {
    await pool.end()
  }
}
