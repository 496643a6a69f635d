import { fileURLToPath } from 'node:url'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClickVerdict } from '../../src/clicks/verdicts/click-verdict.ts'
import { runMigrations } from '../../src/infra/migrate.ts'
import { scratchDatabaseBefore } from '../support/schema-before.ts'

const _MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url))
const OLD_COLUMNS =
  'id, link_id, clicked_at, kind, medium, app, visibility, referrer, user_agent, visitor, language, country, browser, os, device, requested_with'

// Clicks as the 16-column table before migration 013 held them: two share a request and labels.
const OLD_CLICKS = [
  [
    1,
    '2026-10-03T10:00:00.001Z',
    'human',
    'direct',
    null,
    'dark',
    null,
    'Mozilla/5.0 Chrome',
    77,
    'fr-ch',
    'CH',
    'Chrome',
    'Windows',
    'desktop',
    null,
  ],
  [
    2,
    '2026-10-03T10:00:00.002Z',
    'human',
    'direct',
    null,
    'dark',
    null,
    'Mozilla/5.0 Chrome',
    78,
    null,
    null,
    'Chrome',
    'Windows',
    'desktop',
    null,
  ],
  [
    3,
    '2026-11-20T08:00:00.000Z',
    'human',
    'email',
    'gmail',
    'dark',
    'https://mail.google.com/',
    'Mozilla/5.0 Chrome',
    77,
    'en',
    null,
    'Chrome',
    'Windows',
    'desktop',
    null,
  ],
  [
    4,
    '2026-11-20T08:00:01.000Z',
    'preview',
    null,
    'whatsapp',
    null,
    null,
    'WhatsApp/2.24',
    null,
    null,
    null,
    'unknown',
    'unknown',
    'bot',
    null,
  ],
  [
    5,
    '2026-11-21T09:30:00.000Z',
    'human',
    'in_app',
    'facebook',
    'dark',
    null,
    'Mozilla/5.0 (Linux; wv)',
    79,
    null,
    'US',
    'Chrome WebView',
    'Android',
    'mobile',
    'com.facebook.katana',
  ],
] as const

let scratch: Awaited<ReturnType<typeof scratchDatabaseBefore>>['scratch']
let pool: pg.Pool
let linkId: string

beforeAll(async () => {
  ;({ scratch, pool } = await scratchDatabaseBefore('013'))
  linkId = String(
    (await pool.query(`insert into links (code, url) values ('m013', 'https://example.com/') returning id`)).rows[0].id,
  )
  for (const [id, at, ...rest] of OLD_CLICKS)
    await pool.query(
      `insert into clicks (${OLD_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [id, linkId, at, ...rest.slice(0, 6), rest[6], rest[7], rest[8], rest[9], rest[10], rest[11], rest[12]],
    )
  await runMigrations(pool)
}, 60_000)
afterAll(async () => {
  await scratch?.drop()
})

describe('migration 013 (clicks as narrow rows with verdicts)', () => {
  it('keeps every click, with the same labels, behind the labeled_clicks view', async () => {
    const { rows } = await pool.query(`select ${OLD_COLUMNS} from labeled_clicks order by id`)
    expect(
      rows.map((r) => [
        Number(r.id),
        r.clicked_at.toISOString(),
        r.kind,
        r.medium,
        r.app,
        r.visibility,
        r.referrer,
        r.user_agent,
        r.visitor === null ? null : Number(r.visitor),
        r.language,
        r.country,
        r.browser,
        r.os,
        r.device,
        r.requested_with,
      ]),
    ).toEqual(OLD_CLICKS)
    expect(rows.every((r) => r.link_id === linkId)).toBe(true)
  })

  it('stores each request and labels once, named as the server names it', async () => {
    const { rows } = await pool.query(
      `select id::text, user_agent, referrer, requested_with, kind, medium, app, visibility, browser, os, device from click_verdicts order by id`,
    )
    expect(rows).toHaveLength(4)
    for (const v of rows) {
      const label = {
        kind: v.kind,
        medium: v.medium,
        app: v.app,
        visibility: v.visibility,
        reason: '',
        browser: v.browser,
        os: v.os,
        device: v.device,
      }
      expect(createClickVerdict(v.user_agent ?? '', v.referrer ?? '', v.requested_with ?? '', label).id).toBe(v.id)
    }
  })

  it('puts the rows in monthly partitions, with one ahead for new clicks', async () => {
    const { rows } = await pool.query(
      `select c.relname, count(k.*)::int as n from pg_inherits i join pg_class c on c.oid = i.inhrelid
       left join clicks k on k.tableoid = c.oid
       where i.inhparent = 'clicks'::regclass group by 1 order by 1`,
    )
    const byName = Object.fromEntries(rows.map((r) => [r.relname, r.n]))
    expect(byName).toMatchObject({ clicks_2026_10: 2, clicks_2026_11: 3, clicks_default: 0 })
    const nextMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1))
      .toISOString()
      .slice(0, 7)
      .replace('-', '_')
    expect(byName).toHaveProperty(`clicks_${nextMonth}`)
  })

  it('makes no partition for a month whose clicks are in the default partition, and says so instead of failing', async () => {
    await pool.query(`insert into click_verdicts (id, kind) values (1, 'bot') on conflict do nothing`)
    await pool.query(
      `insert into clicks (id, link_id, clicked_at, verdict_id) values (99, $1, '2031-05-05T00:00:00Z', 1)`,
      [linkId],
    )
    await pool.query(`select ensure_click_partitions('2031-04-01T00:00:00Z', 3)`)
    const { rows } = await pool.query(
      `select relname from pg_class where relname like 'clicks_2031%' and relkind = 'r' order by 1`,
    )
    expect(rows.map((r) => r.relname)).toEqual(['clicks_2031_04', 'clicks_2031_06'])
  })
})
