import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireRealDatabaseUrl } from '../../../test/support/test-app.ts'
import type { Pool } from '../../infra/database.ts'
import { runMigrations } from '../../infra/migrate.ts'
import type { DescribedClassification } from '../classify/classification.ts'
import { createClickVerdict, VERDICT_COLUMNS } from '../verdicts/click-verdict.ts'

const human = (over: Partial<DescribedClassification> = {}): DescribedClassification =>
  Object.freeze({
    kind: 'human',
    medium: 'direct',
    app: null,
    visibility: 'dark',
    reason: 'no referrer',
    browser: 'Chrome',
    os: 'Windows',
    device: 'desktop',
    ...over,
  })

const VERDICTS = [
  createClickVerdict('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0', '', '', human()),
  createClickVerdict(
    'Mozilla/5.0 Chrome/124.0',
    'https://mail.google.com/',
    '',
    human({ medium: 'email', app: 'gmail' }),
  ),
  createClickVerdict(
    'Mozilla/5.0 (Linux; Android 14; wv)',
    '',
    'com.facebook.katana',
    human({ medium: 'in_app', app: 'facebook' }),
  ),
  createClickVerdict(
    'WhatsApp/2.24.6.77 A',
    '',
    '',
    Object.freeze({
      kind: 'preview',
      medium: null,
      app: 'whatsapp',
      visibility: null,
      reason: 'preview',
      browser: 'unknown',
      os: 'unknown',
      device: 'bot',
    }),
  ),
  createClickVerdict('', '', '', human()),
  createClickVerdict('odd\tagent\\ with a tab', 'https://t.co/a\tb', '', human()),
  // Header values are Latin-1 strings in Node; Postgres stores them as UTF-8.
  createClickVerdict('Caf\u00e9Browser/1.0 \u00ff', 'https://b\u00fccher.example/', '', human()),
]

/** The verdicts' lines stored as click_verdicts rows, then click_verdict_id() over each stored row. */
async function idsInSql(pool: Pick<Pool, 'query'>) {
  await pool.query(`create temp table v (like click_verdicts including defaults)`)
  for (const v of VERDICTS) {
    const f = v.line
      .slice(0, -1)
      .split('\t')
      .map((x) => (x === '\\N' ? null : x.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r' })[c] ?? c)))
    await pool.query(
      `insert into v (${VERDICT_COLUMNS.join(', ')}) values (${VERDICT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
      f,
    )
  }
  const { rows } = await pool.query(
    `select id::text, click_verdict_id(user_agent, referrer, requested_with, kind, medium, app, visibility, browser, os, device)::text as sql_id from v order by id`,
  )
  return rows
}

describe('a verdict', () => {
  it('is named by its content: the same context and labels give the same id, other labels another', () => {
    expect(createClickVerdict('ua', '', '', human()).id).toBe(createClickVerdict('ua', '', '', human()).id)
    expect(createClickVerdict('ua', '', '', human({ browser: 'Safari' })).id).not.toBe(
      createClickVerdict('ua', '', '', human()).id,
    )
    expect(createClickVerdict('ua', 'r', '', human()).id).not.toBe(createClickVerdict('ua', '', 'r', human()).id)
  })

  it('carries its id as decimal text and as the two words of the same 64 bits', () => {
    for (const v of VERDICTS)
      expect(BigInt.asIntN(64, (BigInt(v.idHigh) << 32n) | BigInt(v.idLow)).toString()).toBe(v.id)
  })

  it('is written as one COPY text line with every column, empty text as NULL and tabs escaped', () => {
    const fields = VERDICTS[5].line.slice(0, -1).split('\t')
    expect(fields).toHaveLength(VERDICT_COLUMNS.length)
    expect(fields.slice(1, 5)).toEqual(['odd\\tagent\\\\ with a tab', 'https://t.co/a\\tb', '\\N', 'human'])
    expect(VERDICTS[4].line.split('\t')[1]).toBe('\\N')
  })
})

describe('click_verdict_id() in SQL names a verdict as createClickVerdict does', () => {
  let pool: pg.Pool
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: requireRealDatabaseUrl(), max: 1 })
    await runMigrations(pool)
  }, 60_000)
  afterAll(async () => {
    await pool?.end()
  })

  it('for every kind of verdict', async () => {
    const session = await pool.connect()
    try {
      for (const { id, sql_id } of await idsInSql(session)) expect(sql_id).toBe(id)
    } finally {
      session.release()
    }
  })
})
