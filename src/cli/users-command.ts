import { parseArgs } from 'node:util'
import { CLI_ACTOR, recordAudit } from '../audit/record-audit.ts'
import { loadConfig } from '../config.ts'
import { createPool, type Pool } from '../infra/database.ts'
import { runMigrations } from '../infra/migrate.ts'
import { inTransaction } from '../infra/transaction.ts'
import { hashPassword, passwordWeakness } from '../people/passwords.ts'
import {
  findPersonByEmail,
  insertPerson,
  listPeople,
  updatePerson,
  type PersonRow,
} from '../people/people-repository.ts'
import { isRole, ROLES } from '../people/roles.ts'
import { issueToken, PASSWORD_LINK_TTL_MS, retirePasswordLinks } from '../people/single-use-tokens.ts'

const USAGE = `usage:
  umbra users create --email ada@example.com --role owner [--name Ada] [--password-stdin]
  umbra users reset-password --email ada@example.com [--password-stdin]
  umbra users list
Roles: ${ROLES.join(', ')}. Without --password-stdin a single-use link to set the password is printed (24 hours).
Works while the server runs; a new password ends the person's sessions.`

type Print = (line: string) => void
export type UsersIo = { print: Print; readStdin: () => Promise<string>; publicUrl: string }

async function readPassword(io: UsersIo, email: string): Promise<string> {
  const password = (await io.readStdin()).replace(/\r?\n$/, '')
  const weakness = passwordWeakness(password, email)
  if (weakness) throw new Error(`the password ${weakness}`)
  return password
}

async function passwordLink(db: Pool, person: PersonRow, io: UsersIo) {
  const { token } = await inTransaction(db, async (client) => {
    await retirePasswordLinks(client, person.id)
    const issued = await issueToken(client, {
      purpose: 'password',
      email: person.email,
      personId: person.id,
      ttlMs: PASSWORD_LINK_TTL_MS,
    })
    await recordAudit(client, { actor: CLI_ACTOR, entity: 'member', entityId: person.id, action: 'password-link' })
    return issued
  })
  io.print(`set the password here (works once, for 24 hours): ${io.publicUrl}/dashboard/password?token=${token}`)
}

const options = {
  email: { type: 'string' },
  role: { type: 'string' },
  name: { type: 'string' },
  'password-stdin': { type: 'boolean' },
} as const

async function create(db: Pool, argv: string[], io: UsersIo) {
  const { values } = parseArgs({ args: argv, options })
  const email = values.email?.trim()
  if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error('--email must be an email address')
  if (!isRole(values.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`)
  const role = values.role
  const passwordHash = values['password-stdin'] ? await hashPassword(await readPassword(io, email)) : null
  const person = await inTransaction(db, async (client) => {
    const row = await insertPerson(client, { email, role, name: values.name ?? null, passwordHash })
    if (!row) throw new Error(`${email} is a member already (umbra users reset-password --email ${email})`)
    await recordAudit(client, {
      actor: CLI_ACTOR,
      entity: 'member',
      entityId: row.id,
      action: 'create',
      after: { email, role },
    })
    return row
  })
  io.print(`created ${person.email} (${person.role}, id ${person.id})`)
  if (!passwordHash) await passwordLink(db, person, io)
}

async function resetPassword(db: Pool, argv: string[], io: UsersIo) {
  const { values } = parseArgs({ args: argv, options })
  const person = values.email ? await findPersonByEmail(db, values.email) : null
  if (!person) throw new Error(`no member has the email "${values.email ?? ''}"`)
  if (!values['password-stdin']) return passwordLink(db, person, io)
  const passwordHash = await hashPassword(await readPassword(io, person.email))
  await inTransaction(db, async (client) => {
    await updatePerson(client, person.id, { passwordHash })
    await retirePasswordLinks(client, person.id)
    await client.query('delete from dashboard_sessions where person_id = $1', [person.id])
    await recordAudit(client, { actor: CLI_ACTOR, entity: 'member', entityId: person.id, action: 'set-password' })
  })
  io.print(`new password set for ${person.email}; their sessions were ended`)
}

async function list(db: Pool, _argv: string[], io: UsersIo) {
  const people = await listPeople(db)
  if (!people.length) io.print('no members yet')
  for (const p of people)
    io.print([p.id.padStart(4), p.role.padEnd(7), p.suspended_at ? 'suspended' : 'active   ', p.email].join('  '))
}

const SUBCOMMANDS = { create, 'reset-password': resetPassword, list }

/** `umbra users <create|reset-password|list>` against an open database. */
export async function runUsersCommand(db: Pool, argv: string[], io: UsersIo) {
  const [name, ...rest] = argv
  const sub = name && Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name as keyof typeof SUBCOMMANDS] : undefined
  if (!sub) throw new Error(`${name ? `unknown subcommand "${name}"` : 'a subcommand is needed'}\n${USAGE}`)
  await sub(db, rest, io)
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export default async function users(argv: string[]) {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return console.log(USAGE)
  const config = loadConfig(process.env)
  const pool = await createPool(config)
  try {
    await runMigrations(pool)
    await runUsersCommand(pool, argv, { print: console.log, readStdin, publicUrl: config.publicUrl })
  } finally {
    await pool.end()
  }
}
