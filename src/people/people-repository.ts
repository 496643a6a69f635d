import type { Queryable } from '../infra/pool.ts'
import type { Role } from './roles.ts'

export type PersonRow = {
  id: string
  email: string
  name: string | null
  role: Role
  password_hash: string | null
  oidc_subject: string | null
  suspended_at: Date | null
  created_at: Date
  created_by: string | null
}

const COLUMNS = 'id, email, name, role, password_hash, oidc_subject, suspended_at, created_at, created_by'

export type NewPerson = {
  email: string
  name?: string | null
  role: Role
  passwordHash?: string | null
  oidcSubject?: string | null
  createdBy?: string | null
}

/** Inserts a person; null when the email (any case) or the SSO subject is already a member's. */
export async function insertPerson(db: Queryable, p: NewPerson): Promise<PersonRow | null> {
  const { rows } = await db.query(
    `insert into people (email, name, role, password_hash, oidc_subject, created_by)
     values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning ${COLUMNS}`,
    [p.email, p.name ?? null, p.role, p.passwordHash ?? null, p.oidcSubject ?? null, p.createdBy ?? null],
  )
  return rows[0] ?? null
}

export async function findPersonById(db: Queryable, id: string): Promise<PersonRow | null> {
  if (!/^[1-9]\d{0,18}$/.test(id)) return null
  const { rows } = await db.query(`select ${COLUMNS} from people where id = $1`, [id])
  return rows[0] ?? null
}

export async function findPersonByEmail(db: Queryable, email: string): Promise<PersonRow | null> {
  const { rows } = await db.query(`select ${COLUMNS} from people where lower(email) = lower($1)`, [email])
  return rows[0] ?? null
}

export async function findPersonBySubject(db: Queryable, subject: string): Promise<PersonRow | null> {
  const { rows } = await db.query(`select ${COLUMNS} from people where oidc_subject = $1`, [subject])
  return rows[0] ?? null
}

export async function listPeople(db: Queryable): Promise<PersonRow[]> {
  const { rows } = await db.query(`select ${COLUMNS} from people order by id limit 1000`)
  return rows
}

export async function countPeople(db: Queryable): Promise<number> {
  const { rows } = await db.query('select count(*)::int as n from people')
  return rows[0].n
}

/** Active owners, with the row of `id` locked: the last one cannot be demoted, suspended or removed. */
export async function countActiveOwners(db: Queryable): Promise<number> {
  const { rows } = await db.query(
    `select count(*)::int as n from (select id from people where role = 'owner' and suspended_at is null for update) o`,
  )
  return rows[0].n
}

export type PersonPatch = { role?: Role; suspended?: boolean; name?: string | null; passwordHash?: string }

export async function updatePerson(db: Queryable, id: string, patch: PersonPatch): Promise<PersonRow | null> {
  const { rows } = await db.query(
    `update people set
       role = coalesce($2, role),
       suspended_at = case when $3::boolean is null then suspended_at when $3 then coalesce(suspended_at, now()) end,
       name = case when $4::boolean then $5 else name end,
       password_hash = coalesce($6, password_hash)
     where id = $1 returning ${COLUMNS}`,
    [id, patch.role ?? null, patch.suspended ?? null, 'name' in patch, patch.name ?? null, patch.passwordHash ?? null],
  )
  return rows[0] ?? null
}

export async function linkSubject(db: Queryable, id: string, subject: string): Promise<void> {
  await db.query('update people set oidc_subject = $2 where id = $1', [id, subject])
}

export async function deletePerson(db: Queryable, id: string): Promise<PersonRow | null> {
  const { rows } = await db.query(`delete from people where id = $1 returning ${COLUMNS}`, [id])
  return rows[0] ?? null
}
