import type pg from 'pg'
import type { Pool } from '../../infra/database.ts'
import type { DescribedClassification } from '../classify/classification.ts'
import { type LABEL_FIELDS, ROLLUPS } from '../rollups/rollup-keys.ts'
import {
  dailyFromHourlySql,
  daySql,
  DIMENSION_VALUE_SQL,
  DIMENSION_PRESENT_SQL,
  dimensionRowsSql,
  DIMENSIONS_KEY,
  DIMENSIONS_UPSERT,
  HOURLY_KEY,
  HOURLY_UPSERT,
  hourlyLabelsSql,
  hourSql,
  isPersonSql,
  positions,
} from '../rollups/rollup-sql.ts'
import { VERDICT_COLUMNS } from '../verdicts/click-verdict.ts'
import { findVerdictChanges, type StoredVerdict } from './verdict-changes.ts'

const DAY_MS = 86_400_000

// The verdicts clicks since $1 use (one pass over those clicks), the moves of this run (old verdict → its
// relabelled replacement), and the clicks one day's move touched.
const CREATE_WORK_TABLES = `
create temp table if not exists verdicts_in_use (id bigint primary key);
create temp table if not exists verdict_moves (old_id bigint primary key, new_id bigint not null);
create temp table if not exists moved_clicks (link_id bigint, clicked_at timestamptz, visitor bigint, old_id bigint, new_id bigint,
  ${ROLLUPS.clickColumns.map((d) => `${d} text`).join(', ')}) -- as text, the form dimensions store
  on commit delete rows;
truncate verdicts_in_use, verdict_moves`
const FIND_VERDICTS_IN_USE = `insert into verdicts_in_use select distinct verdict_id from clicks where clicked_at >= $1`

const READ_VERDICTS = `
select ${VERDICT_COLUMNS.map((c) => `v.${c}`).join(', ')}
from verdicts_in_use u join click_verdicts v using (id) where u.id > $1 order by u.id limit $2`

const ADD_VERDICTS = `
with added as (
  insert into click_verdicts
  select * from unnest($1::bigint[], ${VERDICT_COLUMNS.slice(1)
    .map((_, i) => `$${i + 2}::text[]`)
    .join(', ')})
  order by 1
  on conflict (id) do nothing
)
insert into verdict_moves select * from unnest($${VERDICT_COLUMNS.length + 1}::bigint[], $1::bigint[])`

// The days that have clicks since $1, read from the rollups (far fewer rows than clicks).
const CLICK_DAYS = `
select extract(epoch from min(hour)) * 1000 as first, extract(epoch from max(hour)) * 1000 as last
from ${ROLLUPS.hourly.table} where hour >= date_trunc('hour', $1::timestamptz)`

const MOVE_CLICKS = `
with moved as (
  update clicks c set verdict_id = m.new_id
  from verdict_moves m
  where c.verdict_id = m.old_id and c.clicked_at >= $1 and c.clicked_at < $2 and c.clicked_at >= $3
  returning c.link_id, c.clicked_at, c.visitor, m.old_id, m.new_id, ${ROLLUPS.clickColumns.map((d) => `c.${d}`).join(', ')}
)
insert into moved_clicks select * from moved`

/** -1 under the old labels, +1 under the new, summed per key: right while the live writer keeps adding clicks. */
const HOURLY_COLUMNS = 2 + ROLLUPS.hourly.labels.length
// The daily rows take the same deltas summed by day.
const APPLY_HOURLY = `
with deltas as (
  select ${HOURLY_KEY}, sum(delta) as clicks
  from (
    select m.link_id, ${hourSql('m.clicked_at')} as hour, ${hourlyLabelsSql('v.')
      .map((sql, i) => `${sql} as ${ROLLUPS.hourly.labels[i]}`)
      .join(', ')},
           case when v.id = m.old_id then -1 else 1 end as delta
    from moved_clicks m join click_verdicts v on v.id in (m.old_id, m.new_id)
  ) d
  group by ${positions(HOURLY_COLUMNS)}
  having sum(delta) <> 0
), daily as (${dailyFromHourlySql('deltas')}
)
insert into ${ROLLUPS.hourly.table} as r (${HOURLY_KEY}, clicks)
select * from deltas
order by ${positions(HOURLY_COLUMNS)}
${HOURLY_UPSERT}`

const APPLY_DIMENSIONS = `
insert into ${ROLLUPS.dimensions.table} as d (${DIMENSIONS_KEY}, clicks)
select ${DIMENSIONS_KEY}, sum(delta)
from (
  select m.link_id, ${daySql('m.clicked_at')} as day, dim.name as dimension, ${DIMENSION_VALUE_SQL} as value,
         case when v.id = m.old_id then -1 else 1 end as delta
  from moved_clicks m join click_verdicts v on v.id in (m.old_id, m.new_id),
       ${dimensionRowsSql('v.', 'm.')}
  where ${isPersonSql('v.')} and ${DIMENSION_PRESENT_SQL}
) x
group by 1, 2, 3, 4
having sum(delta) <> 0
order by 1, 2, 3, 4
${DIMENSIONS_UPSERT}`

// The report figures cached for the days moved are summed again when next asked (src/analytics/day-cache.ts).
const DROP_EMPTY_ROLLUPS = `
with hourly as (
  delete from ${ROLLUPS.hourly.table} where link_id in (select distinct link_id from moved_clicks) and clicks = 0
), daily as (
  delete from ${ROLLUPS.daily.table} where link_id in (select distinct link_id from moved_clicks) and clicks = 0
)
delete from report_days where day in (select distinct ${daySql('clicked_at')} from moved_clicks)`

/**
 * A visitor is on a link's day when at least one of their clicks that day is human: recounted for the
 * visitors the day's moves touched, from that day's clicks as they are now.
 */
const RESYNC_VISITORS = `
with touched as (
  select distinct link_id, ${daySql('clicked_at')} as day, visitor from moved_clicks where visitor is not null
), human as (
  select distinct c.link_id, ${daySql('c.clicked_at')} as day, c.visitor
  from clicks c join click_verdicts v on v.id = c.verdict_id
  where c.clicked_at >= $1 and c.clicked_at < $2 and ${isPersonSql('v.')} and (c.link_id, c.visitor) in (select link_id, visitor from touched)
), added as (
  insert into ${ROLLUPS.visitors.table} (link_id, day, visitor) select * from human on conflict do nothing
)
delete from ${ROLLUPS.visitors.table} v using touched t
where v.link_id = t.link_id and v.day = t.day and v.visitor = t.visitor
  and not exists (select 1 from human h where h.link_id = t.link_id and h.day = t.day and h.visitor = t.visitor)`

/** Verdicts in use since `since` checked, those relabelled, days of clicks done, clicks moved to a relabelled verdict. */
export type ReclassifyProgress = { verdicts: number; relabelled: number; days: number; changed: number }

/**
 * Relabels stored clicks with the current rules and corrects the rollups by deltas. Labels live in
 * verdicts, which never change: each verdict the rules now label differently gets a replacement, and the
 * clicks since `since` are moved to it one UTC day per transaction, so it can run while the service is
 * writing new clicks (which keep their own verdicts, and the rollups counted with them).
 */
export async function reclassifyClicks(
  pool: Pick<Pool, 'connect'>,
  classify: (v: StoredVerdict) => DescribedClassification,
  opts: { since: Date; batchSize?: number; onBatch?: (p: ReclassifyProgress) => void },
): Promise<ReclassifyProgress> {
  const batchSize = opts.batchSize ?? 5_000
  const progress: ReclassifyProgress = { verdicts: 0, relabelled: 0, days: 0, changed: 0 }
  const client = (await pool.connect()) as pg.PoolClient
  try {
    await client.query(CREATE_WORK_TABLES)
    await client.query(FIND_VERDICTS_IN_USE, [opts.since])
    for (let after = '-9223372036854775808'; ; ) {
      const { rows } = await client.query<StoredVerdict>(READ_VERDICTS, [after, batchSize])
      const changes = findVerdictChanges(rows, classify)
      if (changes.length) await client.query(ADD_VERDICTS, verdictColumns(changes))
      progress.verdicts += rows.length
      progress.relabelled += changes.length
      opts.onBatch?.(progress)
      if (rows.length < batchSize) break
      after = rows[rows.length - 1].id
    }
    if (progress.relabelled === 0) return progress

    const { first, last } = (await client.query(CLICK_DAYS, [opts.since])).rows[0]
    if (first === null) return progress
    for (let day = Math.floor(Number(first) / DAY_MS) * DAY_MS; day <= Number(last); day += DAY_MS) {
      const window = [new Date(day), new Date(day + DAY_MS)]
      await client.query('begin')
      try {
        const moved = await client.query(MOVE_CLICKS, [...window, opts.since])
        if (moved.rowCount) {
          await client.query(APPLY_HOURLY)
          await client.query(APPLY_DIMENSIONS)
          await client.query(DROP_EMPTY_ROLLUPS)
          await client.query(RESYNC_VISITORS, window)
        }
        await client.query('commit')
        progress.days++
        progress.changed += moved.rowCount ?? 0
        opts.onBatch?.(progress)
      } catch (err) {
        await client.query('rollback').catch(() => {})
        throw err
      }
    }
    return progress
  } finally {
    client.release()
  }
}

/** The replacement verdicts as unnest columns in VERDICT_COLUMNS order (empty text as NULL), then the ids they replace. */
function verdictColumns(changes: ReturnType<typeof findVerdictChanges>): unknown[][] {
  const text = (s: string | null) => s || null
  const context = { user_agent: 'userAgent', referrer: 'referrer', requested_with: 'requestedWith' } as const
  const fieldOf = (to: (typeof changes)[number]['to'], column: (typeof VERDICT_COLUMNS)[number]) => {
    if (column === 'id') return to.id
    if (column in context) return text(to[context[column as keyof typeof context]])
    return text(to.label[column as (typeof LABEL_FIELDS)[number]])
  }
  return [...VERDICT_COLUMNS.map((column) => changes.map((c) => fieldOf(c.to, column))), changes.map((c) => c.from.id)]
}
