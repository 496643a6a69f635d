import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { clickCounts, rollupMismatches } from '../../../test/support/click-accounting.ts'
import { createScratchDatabase, eventually, requireRealDatabaseUrl } from '../../../test/support/test-app.ts'
import { runMigrations } from '../../infra/migrate.ts'
import { copyFrom } from '../../infra/pg-copy-from.ts'
import { createBatchRollups } from '../rollups/batch-rollups.ts'
import type { ClickRecord } from '../click-record.ts'
import { COPY_BINARY_HEADER, MAX_CLICK_ROW_BYTES, writeClickRow } from './click-row.ts'
import { createClickVerdict, VERDICT_COLUMNS } from '../verdicts/click-verdict.ts'
import { createClickBatchWriter, type ClickBatch } from './write-click-batch.ts'

// A database of its own: the test adds a trigger that makes commits fail on purpose.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>
let pool: pg.Pool
let dir: string
let linkId: string

beforeAll(async () => {
  requireRealDatabaseUrl()
  const db = await createScratchDatabase()
  if (!db) throw new Error('no real Postgres for this run')
  scratch = db
  pool = scratch.pool(8)
  await runMigrations(pool)
  // Fails the COMMIT of a transaction that wrote to a table named in fail_commits (deferred constraint
  // triggers): the clicks transaction through click_rollups_hourly, the visitor one through link_visitors_daily.
  await pool.query(`
    create table fail_commits (table_name text);
    create function fail_commit() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from fail_commits where table_name = tg_table_name) then raise exception 'commit refused for the test'; end if;
      return null;
    end $$;
    create constraint trigger fail_commit after insert or update on click_rollups_hourly
      deferrable initially deferred for each row execute function fail_commit();
    create constraint trigger fail_commit after insert on link_visitors_daily
      deferrable initially deferred for each row execute function fail_commit();`)
  dir = mkdtempSync(join(tmpdir(), 'umbra-batch-'))
})
// Each test counts on a link of its own, so that it runs alone as well as after the others.
let links = 0
beforeEach(async () => {
  linkId = String(
    (
      await pool.query(`insert into links (code, url) values ($1, 'https://example.com/') returning id`, [
        `batch-${++links}`,
      ])
    ).rows[0].id,
  )
})
afterAll(async () => {
  await scratch?.drop()
  rmSync(dir, { recursive: true, force: true })
})

const verdictOf = (c: ClickRecord) =>
  createClickVerdict(c.userAgent ?? '', c.referrer ?? '', c.requestedWith ?? '', {
    kind: c.kind,
    medium: c.medium,
    app: c.app,
    visibility: c.visibility,
    reason: '',
    browser: c.browser ?? 'unknown',
    os: c.os ?? 'unknown',
    device: c.device ?? 'unknown',
  })

/** Which rule answered a click: none on odd ids (a link without rules), 0 or 1 on the others. */
const ruleOf = (c: ClickRecord) => (c.id % 2 === 1 ? null : (c.id / 2) % 2)

/** A fresh batch as the writer seals it: a journal segment on disk, its verdicts, its rollups counted in memory. */
function freshBatch(clicks: ClickRecord[]): ClickBatch {
  const rollups = createBatchRollups()
  const rows = Buffer.alloc(COPY_BINARY_HEADER.length + clicks.length * MAX_CLICK_ROW_BYTES)
  let end = COPY_BINARY_HEADER.copy(rows)
  const verdicts = new Map<string, string>()
  for (const c of clicks) {
    const v = verdictOf(c)
    verdicts.set(v.id, v.line)
    const rule = ruleOf(c)
    end = writeClickRow(
      rows,
      end,
      c.id,
      Number(c.linkId),
      c.at,
      v.idHigh,
      v.idLow,
      c.visitor,
      c.language,
      c.country,
      rule,
    )
    rollups.add(c.linkId, c.at, c.visitor, c, c.country, rule)
  }
  const file = join(dir, `seg-${clicks[0].id}.bin`)
  writeFileSync(file, rows.subarray(0, end))
  return {
    rows: { file, chunks: [] },
    verdicts: [...verdicts.values()].join(''),
    count: clicks.length,
    losses: [],
    rollups,
  }
}

const click = (id: number, visitor: number | null, kind: ClickRecord['kind'] = 'human'): ClickRecord => ({
  id,
  linkId,
  at: Date.parse('2026-11-29T10:15:00Z') + id,
  kind,
  medium: kind === 'human' ? 'direct' : null,
  app: null,
  visibility: kind === 'human' ? 'dark' : null,
  referrer: null,
  userAgent: 'Mozilla/5.0',
  visitor,
  language: 'en',
  country: null,
  browser: 'Chrome',
  os: 'Windows',
  device: 'desktop',
  requestedWith: null,
})

/** Whether at least `count` sessions wait for a lock. */
const lockWaiters = async (count: number) =>
  Number(
    (
      await pool.query(
        `select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      )
    ).rows[0].n,
  ) >= count

/** Whether a session sits in a transaction whose last statement inserted visitors. */
const visitorsHeld = async () =>
  ((
    await pool.query(
      `select 1 from pg_stat_activity where datname = current_database() and state = 'idle in transaction' and query like '%into link_visitors_daily%'`,
    )
  ).rowCount ?? 0) > 0

const uniques = async () =>
  Number(
    (await pool.query('select coalesce(sum(visitors), 0) as n from link_uniques_daily where link_id = $1', [linkId]))
      .rows[0].n,
  )

describe('createClickBatchWriter on Postgres', () => {
  it('writes a fresh batch: clicks, rollups, visitor rows and their daily count', async () => {
    const write = createClickBatchWriter(pool)
    // Two clicks of visitor 7 (one unique), one of visitor 8, a bot (no visitor).
    const batch = freshBatch([click(1, 7), click(2, 7), click(3, 8), click(4, null, 'bot')])
    expect(await write(batch)).toEqual({ inserted: 4 })
    expect(await clickCounts(pool, [linkId])).toMatchObject({ clicks: 4, duplicated: 0 })
    expect(await rollupMismatches(pool, [linkId])).toEqual([])
    expect(await uniques()).toBe(2)
  })

  it('counts no visitor twice when the clicks commit fails after the visitor rows committed, then the batch is retried', async () => {
    const write = createClickBatchWriter(pool)
    const clicks = [click(11, 7), click(12, 9), click(13, 10)]
    await pool.query(`insert into fail_commits values ('click_rollups_hourly')`)
    await expect(write(freshBatch(clicks))).rejects.toThrow(/commit refused/)
    await pool.query('delete from fail_commits')
    // The visitor transaction went first and committed (visitors 7, 9 and 10 are new today); no click did.
    expect((await clickCounts(pool, [linkId])).clicks).toBe(0)
    expect(await uniques()).toBe(3)

    // The writer retries a failed batch the careful way (no rollups in memory): it may have committed.
    const retry = { ...freshBatch(clicks), rollups: null }
    expect(await write(retry)).toEqual({ inserted: 3 })
    expect(await clickCounts(pool, [linkId])).toMatchObject({ clicks: 3, duplicated: 0 })
    expect(await rollupMismatches(pool, [linkId])).toEqual([])
    expect(await uniques()).toBe(3)

    // A replay of the same batch (say, after a crash) adds nothing.
    expect(await write(retry)).toEqual({ inserted: 0 })
    expect(await rollupMismatches(pool, [linkId])).toEqual([])
  })

  it('writes no click whose visitor rows failed to commit', async () => {
    const write = createClickBatchWriter(pool)
    const clicks = [click(21, 30), click(22, 31)]
    await pool.query(`insert into fail_commits values ('link_visitors_daily')`)
    await expect(write(freshBatch(clicks))).rejects.toThrow(/commit refused/)
    await pool.query('delete from fail_commits')
    expect((await clickCounts(pool, [linkId])).clicks).toBe(0)
    expect(await uniques()).toBe(0)

    expect(await write({ ...freshBatch(clicks), rollups: null })).toEqual({ inserted: 2 })
    expect(await rollupMismatches(pool, [linkId])).toEqual([])
    expect(await uniques()).toBe(2)
  })

  it('replays a segment journalled before rules (7 fields a row) the careful way: its clicks have no rule', async () => {
    const write = createClickBatchWriter(pool)
    const clicks = [click(51, 60), click(52, 61), click(53, null, 'bot')]
    const rows = Buffer.alloc(COPY_BINARY_HEADER.length + clicks.length * MAX_CLICK_ROW_BYTES)
    let end = COPY_BINARY_HEADER.copy(rows)
    for (const c of clicks) {
      const v = verdictOf(c)
      const start = end
      end = writeClickRow(rows, end, c.id, Number(c.linkId), c.at, v.idHigh, v.idLow, c.visitor, c.language, null, null)
      // The same row without its last three fields (rule, region, city: all null), as an older process wrote it.
      rows.writeInt16BE(7, start)
      end -= 4 * 3
    }
    const batch = freshBatch(clicks)
    expect(await write({ ...batch, rows: { file: null, chunks: [rows.subarray(0, end)] }, rollups: null })).toEqual({
      inserted: 3,
    })
    const stored = await pool.query('select id::int, rule from clicks where link_id = $1 order by id', [linkId])
    expect(stored.rows).toEqual(clicks.map((c) => ({ id: c.id, rule: null })))
    expect(await rollupMismatches(pool, [linkId])).toEqual([])
  })

  it('writes a row that a damaged segment holds twice (on disk and kept in memory) once', async () => {
    const write = createClickBatchWriter(pool)
    const batch = freshBatch([click(31, 40), click(32, 41)])
    const again = Buffer.alloc(MAX_CLICK_ROW_BYTES)
    const v = verdictOf(click(32, 41))
    const end = writeClickRow(again, 0, 32, Number(linkId), click(32, 41).at, v.idHigh, v.idLow, 41, 'en', null)
    expect(
      await write({
        ...batch,
        rows: { file: batch.rows.file, chunks: [again.subarray(0, end)] },
        count: 3,
        rollups: null,
      }),
    ).toEqual({ inserted: 2 })
    expect(await clickCounts(pool, [linkId])).toMatchObject({ clicks: 2, duplicated: 0 })
    expect(await rollupMismatches(pool, [linkId])).toEqual([])
  })

  it('lets two instances insert the same new verdicts at once, in any order, without a deadlock', async () => {
    // Each verdict row takes a while to insert, so the two transactions overlap inside their verdict inserts.
    await pool.query(`
      create function slow_verdict() returns trigger language plpgsql as $$ begin perform pg_sleep(0.2); return new; end $$;
      create trigger slow_verdict before insert on click_verdicts for each row execute function slow_verdict();`)
    try {
      const [a, b] = [createClickBatchWriter(pool), createClickBatchWriter(pool)]
      const first = freshBatch([
        { ...click(51, 60), userAgent: 'Verdict A' },
        { ...click(52, 61), userAgent: 'Verdict B' },
      ])
      const second = freshBatch([
        { ...click(53, 62), userAgent: 'Verdict B' },
        { ...click(54, 63), userAgent: 'Verdict A' },
      ])
      expect(first.verdicts.split('\n')[0]).not.toBe(second.verdicts.split('\n')[0]) // listed in opposite orders
      expect(await Promise.all([a(first), b(second)])).toEqual([{ inserted: 2 }, { inserted: 2 }])
      expect(await rollupMismatches(pool, [linkId])).toEqual([])
    } finally {
      await pool.query('drop trigger slow_verdict on click_verdicts; drop function slow_verdict()')
    }
  })

  it('never lets the visitors of one instance wait for those of another whose clicks wait for the first (a cycle Postgres cannot see)', async () => {
    // Writer 1's batch uses a verdict C (held back by an open transaction) listed before the verdict A
    // both batches use, so writer 1's clicks stop at C while its visitors (new today) are written; then
    // writer 2 writes A and visitors of the same link and day; then C is let go and writer 1 reaches A.
    const a = { ...click(61, 70), userAgent: 'Shared verdict' }
    const idOf = (c: ClickRecord) => BigInt(verdictOf(c).id)
    let n = 0
    let c = { ...click(62, 71), userAgent: 'Held verdict 0' }
    while (idOf(c) >= idOf(a)) c = { ...c, userAgent: `Held verdict ${++n}` }
    const holder = await pool.connect()
    try {
      await holder.query('begin')
      await copyFrom(holder, `click_verdicts (${VERDICT_COLUMNS.join(', ')})`, 'text', {
        file: null,
        chunks: [verdictOf(c).line],
      })
      const [one, two] = [createClickBatchWriter(pool), createClickBatchWriter(pool)]
      const before = await uniques()
      const first = one(freshBatch([a, c]))
      // Its clicks stopped at C, its visitors written (committed, or holding their day in a transaction).
      await eventually(() => lockWaiters(1))
      await eventually(async () => (await uniques()) > before || (await visitorsHeld()))
      const second = two(freshBatch([{ ...click(63, 72), userAgent: 'Shared verdict' }]))
      // Writer 2 is done, or (were writer 1's visitors still holding their day) stuck behind them.
      await eventually(async () => (await Promise.race([second.then(() => true), lockWaiters(2)])) || null)
      await holder.query('commit')
      expect(await Promise.all([first, second])).toEqual([{ inserted: 2 }, { inserted: 1 }])
      expect(await rollupMismatches(pool, [linkId])).toEqual([])
    } finally {
      holder.release()
    }
  })

  it('gives up, after the lock timeout, on visitors whose day another transaction holds, and the careful retry waits instead', async () => {
    const write = createClickBatchWriter(pool)
    // The link has visitors that day, so it has a uniques row for the day.
    expect(await write(freshBatch([click(70, 79)]))).toEqual({ inserted: 1 })
    const holder = await pool.connect()
    try {
      // As a reclassification of the day would: the link's uniques row for the day locked until it commits.
      await holder.query('begin')
      expect(
        (
          await holder.query(`select 1 from link_uniques_daily where link_id = $1 and day = '2026-11-29' for update`, [
            linkId,
          ])
        ).rowCount,
      ).toBe(1)
      const clicks = [click(71, 80)]
      await expect(write(freshBatch(clicks))).rejects.toThrow(/lock timeout/)
      expect((await clickCounts(pool, [linkId])).clicks).toBe(1)
      const retry = write({ ...freshBatch(clicks), rollups: null })
      await eventually(() => lockWaiters(1))
      await holder.query('commit')
      expect(await retry).toEqual({ inserted: 1 })
      expect(await rollupMismatches(pool, [linkId])).toEqual([])
    } finally {
      holder.release()
    }
  })

  it('fails, rather than waits, when the journal segment of a batch cannot be read', async () => {
    const write = createClickBatchWriter(pool)
    const batch = freshBatch([click(41, 50)])
    rmSync(batch.rows.file ?? '')
    await expect(write(batch)).rejects.toThrow(/payload not sent: ENOENT/)
    expect((await clickCounts(pool, [linkId])).clicks).toBe(0)
    // Its visitor row committed on its own, as it may whenever the clicks fail: the retry does not count it twice.
    expect(await uniques()).toBe(1)
  })
})
