import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScratchDatabase, requireRealDatabaseUrl } from '../../test/support/test-app.ts'
import { COPY_BINARY_HEADER, MAX_CLICK_ROW_BYTES, writeClickRow } from '../clicks/click-kind/click-row.ts'
import { type ClickBatch, createClickBatchWriter } from '../clicks/click-kind/write-click-batch.ts'
import { createBatchRollups } from '../clicks/rollups/batch-rollups.ts'
import { createClickVerdict } from '../clicks/verdicts/click-verdict.ts'
import { runMigrations } from '../infra/migrate.ts'
import { clickEventsObserver } from './click-events.ts'

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>
let pool: pg.Pool
let dir: string
let linkId: string

beforeAll(async () => {
  requireRealDatabaseUrl()
  scratch = await createScratchDatabase()
  if (!scratch) throw new Error('needs the real Postgres')
  pool = scratch.pool(4)
  await runMigrations(pool)
  linkId = String(
    (
      await pool.query(
        `insert into links (code, url, channel, topics) values ('observed', 'https://example.com/', 'whatsapp', '{shoes}') returning id`,
      )
    ).rows[0].id,
  )
  dir = mkdtempSync(join(tmpdir(), 'umbra-click-events-'))
})
afterAll(async () => {
  await scratch?.drop()
  rmSync(dir, { recursive: true, force: true })
})

const HUMAN = { kind: 'human', medium: 'in_app', app: 'instagram', visibility: 'dark' } as const
const BOT = { kind: 'bot', medium: null, app: null, visibility: null } as const
const verdicts = {
  human: createClickVerdict('Instagram UA', '', '', { ...HUMAN, reason: '', browser: 'x', os: 'y', device: 'z' }),
  bot: createClickVerdict('Bot UA', '', '', { ...BOT, reason: '', browser: 'x', os: 'y', device: 'z' }),
}

/** A batch of clicks (ids, each a person unless listed as a bot): fresh (rollups counted) or the careful way. */
function batch(ids: number[], fresh: boolean, bots: number[] = []): ClickBatch {
  const rollups = createBatchRollups()
  const rows = Buffer.alloc(COPY_BINARY_HEADER.length + ids.length * MAX_CLICK_ROW_BYTES)
  let end = COPY_BINARY_HEADER.copy(rows)
  for (const id of ids) {
    const v = bots.includes(id) ? verdicts.bot : verdicts.human
    const at = Date.parse('2026-11-29T10:15:00Z') + id
    end = writeClickRow(rows, end, id, Number(linkId), at, v.idHigh, v.idLow, null, null, 'FR')
    rollups.add(linkId, at, null, v.label, 'FR')
  }
  const file = join(dir, `seg-${ids[0]}-${fresh}.bin`)
  writeFileSync(file, rows.subarray(0, end))
  return {
    rows: { file, chunks: [] },
    verdicts: verdicts.human.line + verdicts.bot.line,
    count: ids.length,
    losses: [],
    rollups: fresh ? rollups : null,
  }
}

/** The click events recorded, each as its clicks' ids, countries and link ids. */
const clickEvents = async () =>
  (
    await pool.query(
      `select click_ids, click_countries, click_link_ids from webhook_events where type = 'click' order by id`,
    )
  ).rows.map((r) =>
    (r.click_ids as string[]).map((id, i) => ({ id, country: r.click_countries[i], link: r.click_link_ids[i] })),
  )

describe('click events in the click batch transaction', () => {
  const write = (b: ClickBatch) => createClickBatchWriter(pool, clickEventsObserver(2))(b)
  const ids = (events: { id: string }[][]) =>
    events
      .flat()
      .map((c) => Number(c.id))
      .sort((a, b) => a - b)

  it('records nothing while no webhook subscribes to clicks', async () => {
    await write(batch([1, 2], true))
    expect(await clickEvents()).toEqual([])
  })

  it("records a fresh batch's human clicks, at most 2 an event, with their links and countries", async () => {
    await pool.query(
      `insert into webhooks (url, events, secret_sealed) values ('https://crm.example/h', '{click}', '\\x00')`,
    )
    await write(batch([10, 11, 12, 13, 14], true, [12]))
    const events = await clickEvents()
    // Grouped by id / 2: {10, 11}, {13} (12 is a bot), {14}.
    expect(events.map((e) => e.map((c) => Number(c.id)).sort())).toEqual([[10, 11], [13], [14]])
    expect(events[0][0]).toMatchObject({ country: 'FR', link: linkId })
  })

  it('records a batch written again the careful way only for the clicks it adds', async () => {
    expect((await write(batch([10, 11, 12, 13, 14], false, [12]))).inserted).toBe(0)
    expect((await clickEvents()).length).toBe(3)
    expect((await write(batch([14, 15, 16], false))).inserted).toBe(2)
    expect(ids((await clickEvents()).slice(3))).toEqual([15, 16])
  })
})
