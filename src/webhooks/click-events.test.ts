import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import type pg from 'pg'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createScratchDatabase, requireRealDatabaseUrl } from '../../test/support/test-app.ts'
import { startWebhookReceiver } from '../../test/support/webhook-receiver.ts'
import { COPY_BINARY_HEADER, MAX_CLICK_ROW_BYTES, writeClickRow } from '../clicks/click-kind/click-row.ts'
import { createPersonRuns } from '../clicks/click-kind/person-runs.ts'
import { type ClickBatch, createClickBatchWriter } from '../clicks/click-kind/write-click-batch.ts'
import { dropRawPartitions } from '../clicks/retention/drop-raw-partitions.ts'
import { createBatchRollups } from '../clicks/rollups/batch-rollups.ts'
import { createClickVerdict } from '../clicks/verdicts/click-verdict.ts'
import { runMigrations } from '../infra/migrate.ts'
import { CLICK_JSON_SQL, CLICK_RUN_COLUMNS, clickLists, LIST_SQL, mergedRanges } from './click-delivery.ts'
import type { ClickRun } from './click-lists.ts'
import { clickEventsObserver } from './click-events.ts'
import { createWebhookDeliverer } from './webhook-deliverer.ts'
import { createSecretBox, newWebhookSecret } from './webhook-secret.ts'

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>
let pool: pg.Pool
let dir: string
let linkId: string
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>
const secrets = createSecretBox(Buffer.from('click-events-test-server-secret-0123456789'))
const secret = newWebhookSecret()

beforeAll(async () => {
  requireRealDatabaseUrl()
  scratch = await createScratchDatabase()
  if (!scratch) throw new Error('needs the real Postgres')
  pool = scratch.pool(4)
  await runMigrations(pool)
  linkId = String(
    (
      await pool.query(
        `insert into links (code, url, channel, topics, campaign) values ('observed', 'https://example.com/', 'whatsapp', '{shoes}', 'spring') returning id`,
      )
    ).rows[0].id,
  )
  dir = mkdtempSync(join(tmpdir(), 'umbra-click-events-'))
  receiver = await startWebhookReceiver()
})
afterAll(async () => {
  await receiver?.close()
  await scratch?.drop()
  rmSync(dir, { recursive: true, force: true })
})

const HUMAN = { kind: 'human', medium: 'in_app', app: 'instagram', visibility: 'dark' } as const
const BOT = { kind: 'bot', medium: null, app: null, visibility: null } as const
const verdicts = {
  human: createClickVerdict('Instagram UA', '', '', { ...HUMAN, reason: '', browser: 'x', os: 'y', device: 'z' }),
  bot: createClickVerdict('Bot UA', '', '', { ...BOT, reason: '', browser: 'x', os: 'y', device: 'z' }),
}
const T0 = Date.parse('2026-11-29T10:15:00Z')

/**
 * A batch of clicks (ids, each a person unless listed as a bot) at T0 + id ms, or from `at`: fresh (rollups
 * and person runs counted as the click writer does) or the careful way.
 */
function batch(
  ids: number[],
  fresh: boolean,
  o: { bots?: (id: number) => boolean; at?: number; runLength?: number } = {},
): ClickBatch {
  const rollups = createBatchRollups()
  const runs = createPersonRuns(o.runLength ?? 2)
  const rows = Buffer.alloc(COPY_BINARY_HEADER.length + ids.length * MAX_CLICK_ROW_BYTES)
  let end = COPY_BINARY_HEADER.copy(rows)
  for (const id of ids) {
    const bot = o.bots?.(id) ?? false
    const v = bot ? verdicts.bot : verdicts.human
    const at = (o.at ?? T0) + id
    end = writeClickRow(rows, end, id, Number(linkId), at, v.idHigh, v.idLow, null, null, 'FR')
    rollups.add(linkId, at, null, v.label, 'FR')
    if (!bot) runs.add(id, at)
  }
  const file = join(dir, `seg-${ids[0]}-${fresh}.bin`)
  writeFileSync(file, rows.subarray(0, end))
  return {
    rows: { file, chunks: [] },
    verdicts: verdicts.human.line + verdicts.bot.line,
    count: ids.length,
    losses: [],
    rollups: fresh ? rollups : null,
    personRuns: fresh ? runs : null,
  }
}

/** The click events recorded after `afterId`, each as the ids of the clicks it would deliver now. */
async function clickEvents(afterId = 0) {
  const { rows } = await pool.query<ClickRun>(
    `select e.id::text as event_id, ${CLICK_RUN_COLUMNS} from webhook_events e where type = 'click' and id > $1 order by id`,
    [afterId],
  )
  const lists = await clickLists(pool, rows)
  return rows.map((r) => (JSON.parse(lists.get(r.event_id) ?? '') as { id: string }[]).map((c) => Number(c.id)))
}
const lastEventId = async () =>
  Number((await pool.query('select coalesce(max(id), 0) as id from webhook_events')).rows[0].id)

const deliverer = () =>
  createWebhookDeliverer({
    pool,
    secrets,
    log: pino({ level: 'silent' }),
    publicUrl: 'http://umbra.test',
    retryBaseMs: 10,
    retryMaxMs: 50,
    disableAfterHours: 72,
    pollMs: 1000,
    maxLagMs: 0,
    retentionDays: 30,
    allowPrivate: true,
    timeoutMs: 2000,
  })

describe('click events in the click batch transaction', () => {
  const write = (b: ClickBatch, perEvent = 2) => createClickBatchWriter(pool, clickEventsObserver(perEvent))(b)

  it('records nothing while no webhook subscribes to clicks', async () => {
    await write(batch([1, 2], true))
    expect(await clickEvents()).toEqual([])
  })

  it("records a fresh batch's person clicks as runs of at most 2, one outbox row a run", async () => {
    await pool.query('insert into webhooks (url, events, secret_sealed) values ($1, $2, $3)', [
      receiver.url,
      ['click'],
      secrets.seal(secret),
    ])
    await write(batch([10, 11, 12, 13, 14], true, { bots: (id) => id === 12 }))
    // Persons 10, 11 | 13, 14 (12 is a bot, inside the second run's id range but not delivered).
    expect(await clickEvents()).toEqual([
      [10, 11],
      [13, 14],
    ])
  })

  it('records a batch written again the careful way only for the clicks it adds', async () => {
    expect((await write(batch([10, 11, 12, 13, 14], false, { bots: (id) => id === 12 }))).inserted).toBe(0)
    expect((await clickEvents()).length).toBe(2)
    const before = await lastEventId()
    expect((await write(batch([14, 15, 16], false))).inserted).toBe(2)
    expect(await clickEvents(before)).toEqual([[15, 16]])
  })

  it.each([
    ['fresh', true],
    ['careful', false],
  ])('a %s batch of 1,200 clicks: deliveries of at most 500, each person click exactly once', async (_, fresh) => {
    const base = fresh ? 100_000 : 200_000
    const ids = Array.from({ length: 1200 }, (_, i) => base + i)
    const bots = (id: number) => id % 7 === 0
    const persons = ids.filter((id) => !bots(id))
    await deliverer().deliverDue()
    receiver.received.length = 0
    const before = await lastEventId()
    await write(batch(ids, fresh, { bots, runLength: 500 }), 500)
    expect((await clickEvents(before)).map((e) => e.length)).toEqual([500, 500, persons.length - 1000])

    await deliverer().deliverDue()
    const deliveries = [...receiver.unique().values()]
    expect(deliveries.length).toBe(3)
    for (const d of deliveries) {
      expect(d.body.data.clicks?.length).toBeLessThanOrEqual(500)
      new Webhook(secret).verify(d.raw, d.headers as Record<string, string>)
    }
    const delivered = deliveries.flatMap((d) => (d.body.data.clicks ?? []).map((c) => Number(c.id)))
    expect(delivered.sort((a, b) => a - b)).toEqual(persons)
  })
})

describe('a click delivery', () => {
  beforeEach(() => {
    receiver.received.length = 0
  })

  it('lists each click with the fields receivers have always had, in that order', async () => {
    const before = await lastEventId()
    await createClickBatchWriter(pool, clickEventsObserver(2))(batch([300], true))
    expect(await clickEvents(before)).toEqual([[300]])
    await deliverer().deliverDue()
    const [d] = receiver.ofType('click')
    expect(d.raw).toBe(
      `{"type":"click","timestamp":"${d.body.timestamp}","data":{"clicks":[{"id":"300","code":"observed","contentId":null,"topics":["shoes"],"campaign":"spring","channel":"whatsapp","medium":"in_app","app":"instagram","visibility":"dark","country":"FR","at":"${new Date(T0 + 300).toISOString()}"}]}}`,
    )
    expect(d.id).toBe(`msg_${before + 1}`)
  })

  it('writes each click list byte for byte as Postgres would (row_to_json, to_char) whatever the labels', async () => {
    const content = (await pool.query(`insert into contents (url) values ('https://example.com/c') returning id`))
      .rows[0].id
    const { rows: links } = await pool.query<{ id: string }>(
      `insert into links (code, url, content_id, topics, campaign, channel) values
         ('odd', 'https://example.com/o', $1, '{"a b","c\\"d"}', 'quote " back \\ é 😀', null),
         ('gone', 'https://example.com/g', null, '{}', null, 'email')
       returning id::text`,
      [content],
    )
    const human = (await pool.query(`select id::text from click_verdicts where kind = 'human' limit 1`)).rows[0].id
    const bot = (await pool.query(`select id::text from click_verdicts where kind = 'bot' limit 1`)).rows[0].id
    await pool.query('delete from links where id = $1', [links[1].id])
    // Times at the edges of a millisecond, a deleted link, a bot, countries needing escapes or none.
    const clicks: [number, string, string, string, string | null][] = [
      [900001, links[0].id, human, '2026-11-29T10:20:00.999999Z', 'FR'],
      [900002, links[1].id, human, '2026-11-29T10:20:01.000000Z', null],
      [900003, linkId, bot, '2026-11-29T10:20:01.000500Z', 'DE'],
      [900004, linkId, human, '2026-11-29T10:20:01.000999Z', 'a"b\\c\nd é'],
      [900005, links[0].id, human, '2026-11-29T10:20:03.123456Z', 'US'],
      [900006, linkId, human, '1969-12-31T23:59:59.999500Z', 'NZ'],
      [900007, linkId, human, '2026-11-29T10:20:04.000001Z', 'GB'],
    ]
    await pool.query(
      `insert into clicks (id, link_id, verdict_id, clicked_at, country)
       select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::text[])`,
      [0, 1, 2, 3, 4].map((i) => clicks.map((c) => c[i])),
    )
    const run = (event_id: string, first: number, last: number, from: string, to: string): ClickRun => ({
      event_id,
      kept_clicks: null,
      click_first_id: String(first),
      click_last_id: String(last),
      click_first_at: from,
      click_last_at: to,
    })
    // Apart, overlapping, one click outside its run's times, the one before 1970, none at all.
    const runs = [
      run('1', 900001, 900004, '2026-11-29T10:20:00.999999Z', '2026-11-29T10:20:01.000999Z'),
      run('2', 900005, 900007, '2026-11-29T10:20:03.123456Z', '2026-11-29T10:20:03.999999Z'),
      run('3', 900006, 900006, '1969-12-31T23:59:59.000000Z', '1969-12-31T23:59:59.999999Z'),
      run('4', 900008, 900009, '2026-11-29T10:20:05.000000Z', '2026-11-29T10:20:06.000000Z'),
    ]
    const asPostgresWrites = async (r: ClickRun) =>
      (
        await pool.query(
          `select ${LIST_SQL} as list from clicks c join click_verdicts v on v.id = c.verdict_id
           left join links l on l.id = c.link_id cross join ${CLICK_JSON_SQL}
           where c.id between $1 and $2 and c.clicked_at between $3 and $4 and v.kind = 'human'`,
          [r.click_first_id, r.click_last_id, r.click_first_at, r.click_last_at],
        )
      ).rows[0].list as string
    for (const set of [runs, [...runs, run('5', 900003, 900005, '2026-11-29T10:20:00Z', '2026-11-29T10:20:04Z')]]) {
      const lists = await clickLists(pool, set)
      for (const r of set) expect(lists.get(r.event_id)).toBe(await asPostgresWrites(r))
    }
    expect(JSON.parse((await clickLists(pool, [runs[0]])).get('1') ?? '').map((c: { id: string }) => c.id)).toEqual([
      '900001',
      '900002',
      '900004',
    ])
    await pool.query('delete from clicks where id between 900001 and 900007')
  })

  it('keeps the clicks of undelivered events whose raw clicks retention drops', async () => {
    const old = Date.parse('2025-01-10T08:00:00Z')
    // January 2025 in a partition of its own (dropped), February in the default one (deleted from).
    await pool.query("select ensure_click_partitions(timestamptz '2025-01-01', 1)")
    const before = await lastEventId()
    await createClickBatchWriter(pool, clickEventsObserver(2))(batch([400, 401, 402], true, { at: old }))
    await createClickBatchWriter(
      pool,
      clickEventsObserver(2),
    )(batch([500], true, { at: Date.parse('2025-02-10T08:00:00Z') }))
    expect(await clickEvents(before)).toEqual([[400, 401], [402], [500]])

    const client = await pool.connect()
    try {
      await dropRawPartitions(client, new Date('2025-03-01T00:00:00Z'), clickEventsObserver(2).keepSql)
    } finally {
      client.release()
    }
    const left = await pool.query("select count(*)::int as n from clicks where clicked_at < '2025-03-01'")
    expect(left.rows[0].n).toBe(0)

    await deliverer().deliverDue()
    const ids = receiver
      .ofType('click')
      .flatMap((d) => (d.body.data.clicks ?? []).map((c) => c.id))
      .sort()
    expect(ids).toEqual(['400', '401', '402', '500'])
    expect(receiver.ofType('click')[0].body.data.clicks?.[0]).toMatchObject({ code: 'observed', app: 'instagram' })
  })
})

describe('merged time ranges', () => {
  const t = (s: number) => `2026-11-29T10:00:0${s}.000000Z`
  it.each([
    { name: 'none', ranges: [], merged: [] },
    {
      name: 'apart stay apart, in time order',
      ranges: [
        [t(5), t(6)],
        [t(1), t(2)],
      ],
      merged: [
        [t(1), t(2)],
        [t(5), t(6)],
      ],
    },
    {
      name: 'overlapping become one',
      ranges: [
        [t(1), t(3)],
        [t(2), t(4)],
      ],
      merged: [[t(1), t(4)]],
    },
    {
      name: 'one inside another',
      ranges: [
        [t(1), t(6)],
        [t(2), t(3)],
      ],
      merged: [[t(1), t(6)]],
    },
    {
      name: 'touching become one',
      ranges: [
        [t(1), t(2)],
        [t(2), t(3)],
      ],
      merged: [[t(1), t(3)]],
    },
  ] as { name: string; ranges: [string, string][]; merged: [string, string][] }[])('$name', ({ ranges, merged }) => {
    expect(mergedRanges(ranges)).toEqual(merged)
  })
})
